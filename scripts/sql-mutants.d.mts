/** Types of scripts/sql-mutants.mjs, for its unit test. */
export interface SqlToken {
  type: 'word' | 'number' | 'operator' | 'placeholder' | 'punctuation';
  value: string;
  offset: number;
  line: number;
}

export interface SqlMutant {
  kind: 'comparison' | 'logical' | 'number' | 'condition';
  line: number;
  column: number;
  original: string;
  replacement: string;
  text: string;
}

export function sqlTokens(text: string): SqlToken[];
export function sqlMutants(text: string): SqlMutant[];
