import type { RecordKind, RecordOf, State } from "./schema.js";
import { sameId, type StateView } from "./store.js";

/** A read-only view of a state document read without the lock (`status --refresh`). */
export function stateView(state: State): StateView {
  const records = <K extends RecordKind>(kind: K): RecordOf<K>[] =>
    state.resources.filter((r): r is RecordOf<K> => r.kind === kind);
  return {
    deploymentId: state.deploymentId,
    records,
    find: <K extends RecordKind>(kind: K, id?: string) =>
      records(kind).find((r) => id === undefined || sameId(r.id, id)),
  };
}
