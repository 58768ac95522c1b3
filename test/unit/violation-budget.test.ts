import { MAX_VIOLATIONS_PER_REQUEST, ViolationBudget } from '../../src/resolvers/violation-budget';

const problems = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ field: `customers[${from + i}]`, message: 'bad' }));

describe('ViolationBudget', () => {
  it('passes answers through until the request has listed its budget, summaries free', () => {
    const budget = new ViolationBudget();
    const summary = { field: 'input', message: 'has 7 more problem(s), not listed' };
    expect(budget.take([...problems(60), summary])).toEqual([...problems(60), summary]);
    const rest = budget.take(problems(60, 60));
    expect(rest.slice(0, -1)).toEqual(problems(MAX_VIOLATIONS_PER_REQUEST - 60, 60));
    expect(rest.at(-1)?.field).toBe('input');
    // Spent: later answers keep only the note that problems were left out.
    expect(budget.take(problems(3))).toEqual([rest.at(-1)]);
  });
});

describe('ViolationBudget, by values answered', () => {
  it('lists fewer entries when each answers more fields', () => {
    const budget = new ViolationBudget();
    const listed = budget.take(problems(100), 16);
    expect(listed.filter((v) => v.field !== 'input')).toHaveLength(
      Math.floor((2 * MAX_VIOLATIONS_PER_REQUEST) / 16),
    );
    expect(listed.at(-1)?.field).toBe('input');
  });
});
