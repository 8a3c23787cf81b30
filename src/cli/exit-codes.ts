/**
 * The command line's exit codes (README, "Exit codes"). When several apply, the lowest non-zero
 * one wins: a failure outranks a notification that did not go out, which outranks findings.
 */
export const EXIT_OK = 0;
/** Something failed: a query, a file that could not be written, a folder that does not exist. */
export const EXIT_FAILURE = 1;
/** The command line cannot be understood: unknown command or flag, a flag without its value. */
export const EXIT_USAGE = 2;
/** `report`: the report was made (and written), but a notification (Slack) was not delivered. */
export const EXIT_NOTIFY_FAILED = 3;
/** `report --fail-on SEVERITY`: the report found something at or above that severity. */
export const EXIT_FINDINGS = 4;
