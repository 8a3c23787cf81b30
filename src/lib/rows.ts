/*
 * A query result's row, apart from ports.ts so the report model can hold rows without importing
 * the ports (which import the report model): no import cycle.
 */

export type Cell = string | number | null;
export type Row = Readonly<Record<string, Cell>>;
