import { enhancedMonitoringAction } from "./enhanced-monitoring.js";

/** DisableEnhancedMonitoring: removes shard-level metrics; "ALL" removes all seven. */
export default enhancedMonitoringAction("disable");
