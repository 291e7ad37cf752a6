import { retentionPeriodAction } from "./retention-period.js";

/** DecreaseStreamRetentionPeriod: down to 24 hours; records older than the new retention are gone at once. */
export default retentionPeriodAction("decrease");
