import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract/api-contract.js';
import type { Result } from '../../shared/contract/result.js';

/** Anything that answers contract calls with a result: the core itself, or a client of it. */
export interface Invokes {
  invoke(method: unknown, input: unknown): Promise<Result<unknown>>;
}

/** A contract call typed by its method: tsc refuses an input or a result type the contract does not define. */
export type ConsoleCall = <M extends MethodName>(method: M, input: MethodInput<M>) => Promise<MethodOutput<M>>;

/** The value of a successful result; a refusal fails the test with the method and the error in words. */
export function unwrap<M extends MethodName>(method: M, result: Result<unknown>): MethodOutput<M> {
  if (!result.ok)
    throw new Error(`${method} failed: ${result.error.message}${result.error.fields ? ` ${JSON.stringify(result.error.fields)}` : ''}`);
  return result.value as MethodOutput<M>;
}

/** Calls a method on the core (or anything that invokes like it) and returns its value. */
export async function call<M extends MethodName>(target: Invokes, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  return unwrap(method, await target.invoke(method, input));
}
