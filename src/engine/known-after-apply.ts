/**
 * A value that only exists once apply has run (the principal id of an identity still to be
 * created). Typed, so a plan can never mistake it for a real value, and shown as Terraform shows it.
 */
export class KnownAfterApply {
  constructor(readonly what: string) {}
  toString(): string {
    return "(known after apply)";
  }
}

export type Planned<T> = T | KnownAfterApply;

/** Every field of an output record either known now or known after apply. */
export type PlannedRecord<T> = { readonly [K in keyof T]: Planned<T[K]> };

export function isKnown<T>(value: Planned<T>): value is T {
  return !(value instanceof KnownAfterApply);
}

/** For plan reasons: the value, or "(known after apply)". */
export function show(value: Planned<string>): string {
  return isKnown(value) ? value : value.toString();
}

export function later(what: string): KnownAfterApply {
  return new KnownAfterApply(what);
}
