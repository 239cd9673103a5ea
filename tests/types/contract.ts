// The shipped types agree with the core: the option names and error codes of
// src/js/index.d.ts are those of src/js/lib/contract.js, which `cargo test`
// keeps equal to the core's (src/core/contract.rs). Checked by tsc
// (tsconfig.json, a step of scripts/test.sh): a name in one and not the
// other fails as "Argument of type 'true' is not assignable to parameter of
// type 'false'" on the line that compares them.
import type { ChainOptions, ErrorCode } from "../../src/js/index.js";
import type * as contract from "../../src/js/lib/contract.js";

/** Whether `A` and `B` are the same type (not merely assignable either way). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
declare function same<A, B>(proof: Same<A, B>): void;

type Names<List extends readonly string[]> = List[number];
/** The options of `T` whose value is a function. */
type Functions<T> = { [K in keyof T]-?: NonNullable<T[K]> extends (...args: never[]) => unknown ? K : never }[keyof T];

// Every code the core makes, and the package's own failure.
same<ErrorCode, Names<typeof contract.ERROR_CODES> | "internal_error">(true);
// Every option of the widest call: the core's data, the hooks and the values JS keeps.
same<keyof ChainOptions, Names<typeof contract.OPTIONS> | Names<typeof contract.HOOKS> | Names<typeof contract.TAKEN_AS_VALUES>>(true);
// The options that are functions are the hooks the driver calls.
same<Functions<ChainOptions>, Names<typeof contract.HOOKS>>(true);
