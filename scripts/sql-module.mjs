// Embeds every src/queries/**/*.sql file into the bundles as one virtual module, so the
// Lambda zips, the CLI and the tests read the very same SQL text with no file I/O at run time.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const SQL_MODULE_ID = 'virtual:flowlog-queries';
export const QUERIES_DIR = new URL('../src/queries/', import.meta.url).pathname;

function sqlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sqlFiles(path);
    return entry.name.endsWith('.sql') ? [path] : [];
  });
}

/** Returns the JavaScript source of the module and the files it was made from. */
export function sqlModuleSource(dir = QUERIES_DIR) {
  const files = sqlFiles(dir).sort();
  const entries = files.map((file) => {
    const name = relative(dir, file)
      .split(sep)
      .join('/')
      .replace(/\.sql$/, '');
    return `  ${JSON.stringify(name)}: ${JSON.stringify(readFileSync(file, 'utf8'))}`;
  });
  return { code: `export default {\n${entries.join(',\n')}\n};\n`, files };
}

/** esbuild plugin (used by scripts/build.mjs and serverless-esbuild). */
export function sqlEsbuildPlugin(dir = QUERIES_DIR) {
  return {
    name: 'flowlog-queries',
    setup(build) {
      build.onResolve({ filter: /^virtual:flowlog-queries$/ }, () => ({ path: SQL_MODULE_ID, namespace: 'flowlog-queries' }));
      build.onLoad({ filter: /.*/, namespace: 'flowlog-queries' }, () => {
        const { code, files } = sqlModuleSource(dir);
        return { contents: code, loader: 'js', watchFiles: files };
      });
    },
  };
}

/** Vite/vitest plugin doing the same for the test runner. */
export function sqlVitePlugin(dir = QUERIES_DIR) {
  const resolved = '\0' + SQL_MODULE_ID;
  return {
    name: 'flowlog-queries',
    resolveId(id) {
      return id === SQL_MODULE_ID ? resolved : undefined;
    },
    load(id) {
      if (id !== resolved) return undefined;
      const { code, files } = sqlModuleSource(dir);
      for (const file of files) this.addWatchFile(file);
      return code;
    },
  };
}
