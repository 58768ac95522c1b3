/**
 * Violations listed by all the answers of one HTTP request together, charged each time
 * `InvalidInputError.violations` is resolved (invalid-input-error.resolver.ts). Each error
 * holds at most 100 (validate-input.ts), but a request may hold 50 operations of 10 root
 * fields, and a selection 15 aliases of `violations`, each repeating them: 15 invalid
 * customers made a 51× answer (5.7 MB for 112 KB of a batch) without any API call. Past the
 * budget a list keeps what is left of it and says that more were left out.
 */
import { LEFT_OUT_FIELD, type InputViolation } from '../promotion/validate-input';

/** Per HTTP request, all of its operations and root fields together, of `field` and `message` each. */
export const MAX_VIOLATIONS_PER_REQUEST = 100;
/** What the budget counts: values answered, so an entry selecting more fields costs more. */
const MAX_VALUES_PER_REQUEST = 2 * MAX_VIOLATIONS_PER_REQUEST;

const LEFT_OUT: InputViolation = {
  field: LEFT_OUT_FIELD,
  message: `more problems, not listed (${MAX_VIOLATIONS_PER_REQUEST} per request)`,
};

export class ViolationBudget {
  private left = MAX_VALUES_PER_REQUEST;

  /**
   * `violations` as this request's answers may still list them, each entry answering
   * `width` values (its selected fields); summaries (field `input`) are free.
   */
  take(violations: readonly InputViolation[], width = 2): InputViolation[] {
    const problems = violations.filter((v) => v.field !== LEFT_OUT_FIELD);
    const affordable = Math.floor(this.left / width);
    if (problems.length <= affordable) {
      this.left -= problems.length * width;
      return [...violations];
    }
    const listed = problems.slice(0, affordable);
    this.left = 0;
    return [...listed, LEFT_OUT];
  }
}
