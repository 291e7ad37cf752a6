import { enhancedMonitoringAction } from "./enhanced-monitoring.js";

/** EnableEnhancedMonitoring: adds shard-level metrics; "ALL" adds all seven. */
export default enhancedMonitoringAction("enable");
