import { retentionPeriodAction } from "./retention-period.js";

/** IncreaseStreamRetentionPeriod: up to 8760 hours; records that already expired stay gone. */
export default retentionPeriodAction("increase");
