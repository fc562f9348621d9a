/** The report's figures the default history reproduces (kept with the callers' model, which training shares). */
export { REPORT_TARGETS } from '../../src/training/index.js';
