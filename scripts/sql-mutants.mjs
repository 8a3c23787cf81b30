// The mutants of one saved query (`npm run mutate:sql`, scripts/mutate-sql.mjs): small changes to
// the SQL of a rule that its DuckDB tests should notice. A pure function over the text, so it is
// unit-tested apart from the runner (test/unit/sql-mutants.test.ts).
//
// Only SQL code is mutated: `--` comments (the header declaring the parameters among them),
// '...' strings, "..." identifiers and {{placeholders}} are skipped.

/** Each comparison operator and what it becomes. */
const COMPARISONS = { '>=': ['>'], '>': ['>='], '<=': ['<'], '<': ['<='], '=': ['<>'], '<>': ['='], '!=': ['='] };

/**
 * Splits SQL text into code tokens (words, numbers, operators, placeholders) with their offset
 * and line, leaving out comments and quoted text.
 */
export function sqlTokens(text) {
  const tokens = [];
  let line = 1;
  let i = 0;
  const advance = (to) => {
    for (let j = i; j < to; j++) if (text[j] === '\n') line++;
    i = to;
  };
  while (i < text.length) {
    const rest = text.slice(i);
    const c = text[i];
    if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      advance(end === -1 ? text.length : end);
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      advance(end === -1 ? text.length : end + 2);
    } else if (c === "'" || c === '"') {
      // '' inside a string is an escaped quote: the pattern takes both.
      const match = (c === "'" ? /^'(?:[^']|'')*'/ : /^"(?:[^"]|"")*"/).exec(rest);
      advance(i + (match ? match[0].length : rest.length));
    } else if (rest.startsWith('{{')) {
      const end = text.indexOf('}}', i);
      const stop = end === -1 ? text.length : end + 2;
      tokens.push({ type: 'placeholder', value: text.slice(i, stop), offset: i, line });
      advance(stop);
    } else {
      const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(rest);
      const number = /^\d+(?:\.\d+)?/.exec(rest);
      const operator = /^(?:>=|<=|<>|!=|\|\||::|[=<>])/.exec(rest);
      const match = word ?? number ?? operator;
      if (match) {
        tokens.push({ type: word ? 'word' : number ? 'number' : 'operator', value: match[0], offset: i, line });
        advance(i + match[0].length);
      } else {
        if (c === '(' || c === ')' || c === ',') tokens.push({ type: 'punctuation', value: c, offset: i, line });
        advance(i + 1);
      }
    }
  }
  return tokens;
}

/** The column (1-based) of an offset on its line. */
function columnOf(text, offset) {
  return offset - text.lastIndexOf('\n', offset - 1);
}

/** A number one more and one less, written like the original (`2.0` gives `3.0` and `1.0`). */
function numberNeighbours(value) {
  const [whole, fraction] = value.split('.');
  const n = BigInt(whole);
  const write = (m) => (fraction === undefined ? String(m) : `${m}.${fraction}`);
  return [write(n + 1n), write(n - 1n)];
}

/**
 * Every mutant of a saved query: comparison operators changed (`>=` to `>`, `>` to `>=`, `<=` to
 * `<`, `<` to `<=`, `=` to `<>`, `<>` and `!=` to `=`), `AND` made `OR` and `OR` made `AND`
 * (not the `AND` of a `BETWEEN`, which must be on the `BETWEEN`'s line), each number made one more and one less, and each
 * condition line starting with `AND` or `OR` dropped (when its parentheses balance). Each mutant
 * has its kind, 1-based line and column, the original and replacement text, and the whole
 * mutated text.
 */
export function sqlMutants(text) {
  const mutants = [];
  const replace = (kind, token, replacement) => {
    mutants.push({
      kind,
      line: token.line,
      column: columnOf(text, token.offset),
      original: token.value,
      replacement,
      text: text.slice(0, token.offset) + replacement + text.slice(token.offset + token.value.length),
    });
  };
  const tokens = sqlTokens(text);
  // Lines holding a BETWEEN whose AND is still to come.
  const betweenLines = new Set();
  tokens.forEach((token, index) => {
    const upper = token.value.toUpperCase();
    if (token.type === 'operator' && token.value in COMPARISONS) {
      for (const replacement of COMPARISONS[token.value]) replace('comparison', token, replacement);
    } else if (token.type === 'number') {
      // `x -0` made `x --1` would start a comment: a negative neighbour after a minus is bracketed.
      const afterMinus = text[token.offset - 1] === '-';
      for (const n of numberNeighbours(token.value)) replace('number', token, afterMinus && n.startsWith('-') ? `(${n})` : n);
    } else if (token.type === 'word' && upper === 'BETWEEN') {
      betweenLines.add(`${token.line}:${index}`);
    } else if (token.type === 'word' && upper === 'AND') {
      const pending = [...betweenLines].find((key) => key.startsWith(`${token.line}:`));
      if (pending !== undefined) {
        betweenLines.delete(pending);
        return;
      }
      replace('logical', token, token.value === 'AND' ? 'OR' : 'or');
    } else if (token.type === 'word' && upper === 'OR') {
      replace('logical', token, token.value === 'OR' ? 'AND' : 'and');
    }
  });
  mutants.push(...droppedConditionLines(text, tokens));
  return mutants.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Mutants that drop one whole condition line (`AND x = 1`), keeping the line count. */
function droppedConditionLines(text, tokens) {
  const lines = text.split('\n');
  const mutants = [];
  let offset = 0;
  lines.forEach((lineText, index) => {
    const lineNumber = index + 1;
    const code = tokens.filter((t) => t.line === lineNumber);
    const first = code[0];
    const startsCondition = first?.type === 'word' && ['AND', 'OR'].includes(first.value.toUpperCase());
    const depth = code.reduce((d, t) => d + (t.value === '(' && t.type === 'punctuation' ? 1 : t.value === ')' && t.type === 'punctuation' ? -1 : 0), 0);
    if (startsCondition && depth === 0) {
      mutants.push({
        kind: 'condition',
        line: lineNumber,
        column: columnOf(text, first.offset),
        original: lineText.trim(),
        replacement: '(line dropped)',
        text: text.slice(0, offset) + text.slice(offset + lineText.length),
      });
    }
    offset += lineText.length + 1;
  });
  return mutants;
}
