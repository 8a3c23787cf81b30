/** Makes a value on first use and keeps it: one SDK client per Lambda instance. */
export function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}
