import type { Compilable, CompiledQuery, DialectAdapter, QueryResult } from 'kysely';
import type { Executor } from './database.js';

/** Marks where a named value goes; no value a caller passes can look like it. */
const SLOT_MARK = '\u0000showtrust-slot:';

type Parameter<Name> = { slot: Name } | { fixed: unknown };

interface Compiled<Name, Row> {
  query: CompiledQuery<Row>;
  parameters: readonly Parameter<Name>[];
}

/** Stands for a value given at run time; typed `never` so the builder accepts it anywhere. */
export type Slot<Values> = <K extends keyof Values & string>(name: K) => never;

/**
 * A statement of fixed shape, built and compiled once per database, then run with new
 * values: hot paths (job claims, webhook attempt records) skip the query builder, whose
 * building and compiling cost more than SQLite takes to run a primary-key update.
 *
 * `build` gets an executor to build on and `slot(name)`, which stands for a value given at
 * run time; anything else given to the builder (a constant status, an increment) stays as
 * compiled. Only for statements whose shape never changes: no `in` lists, no clauses that
 * depend on the values.
 */
export class PreparedQuery<Values extends Record<string, unknown>, Row = unknown> {
  /** One compilation per database handle (its adapter), so both dialects can share a process. */
  private readonly compiled = new WeakMap<DialectAdapter, Compiled<keyof Values, Row>>();

  constructor(
    private readonly build: (executor: Executor, slot: Slot<Values>) => Compilable<Row>,
  ) {}

  execute(executor: Executor, values: Values): Promise<QueryResult<Row>> {
    const { query, parameters } = this.compiledFor(executor);
    const given = parameters.map((p) => ('slot' in p ? values[p.slot] : p.fixed));
    return executor.executeQuery<Row>({ ...query, parameters: given });
  }

  private compiledFor(executor: Executor): Compiled<keyof Values, Row> {
    const { adapter } = executor.getExecutor();
    let compiled = this.compiled.get(adapter);
    if (!compiled) {
      const slot = ((name: string) => `${SLOT_MARK}${name}`) as Slot<Values>;
      const query = this.build(executor, slot).compile();
      const parameters = query.parameters.map((value): Parameter<keyof Values> => {
        if (typeof value === 'string' && value.startsWith(SLOT_MARK)) {
          return { slot: value.slice(SLOT_MARK.length) };
        }
        return { fixed: value };
      });
      compiled = { query, parameters };
      this.compiled.set(adapter, compiled);
    }
    return compiled;
  }
}
