import { isMethodName, methods, type MethodName, type MethodOutput, type ParsedInput } from '../../../shared/contract/api-contract.js';
import { ApiFailure, describeIssues, fail, ok, type Result } from '../../../shared/contract/result.js';
import type { Logger } from '../logging/logger.js';

export type Handler<M extends MethodName> = (input: ParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M>;
export type Handlers = { [M in MethodName]: Handler<M> };

/**
 * The one door into the core. Both shells pass whatever arrived from the UI straight in:
 * the method name is checked against the contract, the input parsed by its schema, and
 * every outcome, including a bug, comes back as a Result rather than a thrown error.
 */
export class ApiRouter {
  constructor(
    private readonly handlers: Handlers,
    private readonly logger: Logger,
    /**
     * Also parse every result by the method's output schema, so a handler that drifts from
     * the contract fails loudly. On in tests and development; off in the packaged app, where
     * the cost would fall on every large list.
     */
    private readonly options: { validateOutputs?: boolean } = {},
  ) {}

  async invoke(method: unknown, rawInput: unknown): Promise<Result<unknown>> {
    if (!isMethodName(method)) {
      return fail('unknown-method', `The console has no method called ${JSON.stringify(String(method)).slice(0, 80)}`);
    }
    const parsed = methods[method].input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      const { message, fields } = describeIssues(parsed.error);
      return fail('invalid-input', message, fields);
    }
    try {
      const handler = this.handlers[method] as (input: unknown) => unknown;
      const value = await handler(parsed.data);
      if (this.options.validateOutputs) {
        const checked = methods[method].output.safeParse(value);
        if (!checked.success) {
          this.logger.error({ method, issues: checked.error.issues.slice(0, 5) }, 'handler result does not match the contract');
          return fail(
            'internal',
            `The console's answer to ${method} does not match the contract: ${describeIssues(checked.error).message}`,
          );
        }
      }
      return ok(value);
    } catch (error) {
      if (error instanceof ApiFailure) return fail(error.code, error.message, error.fields);
      this.logger.error({ err: error, method }, 'handler failed');
      return fail('internal', 'Something went wrong inside the console. The details are in its log.');
    }
  }
}
