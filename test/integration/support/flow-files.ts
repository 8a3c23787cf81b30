/*
 * The one flow-log fixture builder is test/support/flow-log-files.ts; this path re-exports it so
 * tests written against it keep working until the test folders are restructured.
 */
export { ACCOUNT, REGION, FlowBucket, dtOfEpoch, flowLine, statusLine, type Flow, type TestEngine } from '../../support/flow-log-files.js';
