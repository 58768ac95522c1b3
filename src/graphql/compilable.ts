/**
 * Which operations graphql-jit may run in graphql-js's place: those it runs as graphql-js
 * would, and affordably (pure; test/unit/compiled-executor.test.ts).
 */
import {
  BREAK,
  Kind,
  TypeInfo,
  getNamedType,
  isInputObjectType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * Fields an operation may expand to, fragments spread in full, and still be compiled. The
 * contract's operations expand to under 60; graphql-jit's compile time grows with it.
 */
export const MAX_COMPILED_FIELDS = 1000;
/** Whether a value holds a node of `kind`, itself or nested in list and object literals. */
function contains(value: ValueNode, kind: Kind.VARIABLE | Kind.OBJECT): boolean {
  if (value.kind === kind) return true;
  if (value.kind === Kind.LIST) return value.values.some((item) => contains(item, kind));
  if (value.kind === Kind.OBJECT) return value.fields.some((field) => contains(field.value, kind));
  return false;
}

/** Input types with a field default, or holding one that has (graphql-jit #142 concerns them). */
export function inputTypesWithDefaults(schema: GraphQLSchema): ReadonlySet<string> {
  const inputs = Object.values(schema.getTypeMap()).filter(isInputObjectType);
  const withDefaults = new Set(
    inputs
      .filter((type) => Object.values(type.getFields()).some((f) => f.defaultValue !== undefined))
      .map((type) => type.name),
  );
  // Grow to every input type that holds one of them, until nothing changes.
  for (let grown = true; grown;) {
    grown = false;
    for (const type of inputs) {
      if (withDefaults.has(type.name)) continue;
      if (
        Object.values(type.getFields()).some((f) => withDefaults.has(getNamedType(f.type).name))
      ) {
        withDefaults.add(type.name);
        grown = true;
      }
    }
  }
  return withDefaults;
}

/** Whether an object literal in `document` is given for one of `types` (an argument of such a type). */
export function objectLiteralOfTypes(
  schema: GraphQLSchema,
  document: DocumentNode,
  types: ReadonlySet<string>,
): boolean {
  if (types.size === 0) return false;
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(argument) {
        const type = typeInfo.getArgument()?.type;
        if (
          type !== undefined &&
          types.has(getNamedType(type).name) &&
          contains(argument.value, Kind.OBJECT)
        ) {
          found = true;
          return BREAK;
        }
        return false;
      },
    }),
  );
  return found;
}

/**
 * Fields of an operation once every fragment spread is replaced by its fragment, as
 * graphql-jit's compiler walks it; computed once per fragment, so in the document's size.
 * A fragment in a cycle counts nothing (validation refuses cycles).
 */
export function expandedFieldCount(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  const countOf = new Map<string, number>();
  const count = (selectionSet: SelectionSetNode | undefined): number => {
    let found = 0;
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        found += 1 + count(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        found += count(selection.selectionSet);
      } else {
        const name = selection.name.value;
        let counted = countOf.get(name);
        if (counted === undefined) {
          countOf.set(name, 0);
          counted = count(fragments.get(name)?.selectionSet);
          countOf.set(name, counted);
        }
        found += counted;
      }
    }
    return found;
  };
  return count(operation.selectionSet);
}

/**
 * Whether graphql-jit runs this operation (and every other part of the document) as
 * graphql-js would, and affordably. Not when:
 * - it expands to more than `MAX_COMPILED_FIELDS` fields: graphql-jit walks a fragment
 *   again for every spread of it (2^levels steps for fragments spreading the next twice);
 * - a mutation has several root fields: graphql-jit runs the rest after one fails;
 * - a variable sits inside a list or object literal: graphql-jit does not check its type;
 * - an argument of an input type with field defaults holds an object literal (graphql-jit #142).
 */
export function isCompilable(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  inputFieldDefaults: boolean,
): boolean {
  if (expandedFieldCount(document, operation) > MAX_COMPILED_FIELDS) return false;
  const roots = operation.selectionSet.selections;
  if (operation.operation === 'mutation' && (roots.length !== 1 || roots[0]?.kind !== Kind.FIELD)) {
    return false;
  }
  let compilable = true;
  visit(document, {
    Argument(argument) {
      const { value } = argument;
      if (
        (value.kind !== Kind.VARIABLE && contains(value, Kind.VARIABLE)) ||
        (inputFieldDefaults && contains(value, Kind.OBJECT))
      ) {
        compilable = false;
        return BREAK;
      }
      return false;
    },
  });
  return compilable;
}
