declare module 'virtual:flowlog-queries' {
  /** Every file under src/queries, by its path without `.sql` (e.g. `partitions/add-partitions`). */
  const queries: Readonly<Record<string, string>>;
  export default queries;
}
