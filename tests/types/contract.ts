// The shipped types agree with the core and the implementation: the option
// names and error codes of src/js/index.d.ts are those of
// src/js/lib/contract.js, which `cargo test` keeps equal to the core's
// (tests/contract.rs), and its functions and a client's methods are
// those src/js/lib exports. Checked by tsc
// (tsconfig.json, a step of scripts/test.sh): a name in one and not the
// other fails as "Argument of type 'true' is not assignable to parameter of
// type 'false'" on the line that compares them.
import type * as shipped from "../../src/js/index.js";
import type * as api from "../../src/js/lib/api.js";
import type * as contract from "../../src/js/lib/contract.js";
import type * as server from "../../src/js/lib/server.js";

/** Whether `A` and `B` are the same type (not merely assignable either way). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
declare function same<A, B>(proof: Same<A, B>): void;

type Names<List extends readonly string[]> = List[number];
/** The options of `T` whose value is a function. */
type Functions<T> = { [K in keyof T]-?: NonNullable<T[K]> extends (...args: never[]) => unknown ? K : never }[keyof T];

// Every code the core makes, and the package's own failure.
same<shipped.ErrorCode, Names<typeof contract.ERROR_CODES> | "internal_error">(true);
// Every option of the widest call: the core's data, the hooks and the values JS keeps.
same<keyof shipped.ChainOptions, Names<typeof contract.OPTIONS> | Names<typeof contract.HOOKS> | Names<typeof contract.TAKEN_AS_VALUES>>(true);
// The options that are functions are the hooks the driver calls.
same<Functions<shipped.ChainOptions>, Names<typeof contract.HOOKS>>(true);

// The functions the package exports are those its types declare: the API's,
// and the server's (a page's on-demand ones are the same names).
same<keyof typeof api | keyof typeof server, keyof typeof shipped>(true);
// A client's methods are the Client type's.
same<keyof ReturnType<typeof api.createClient>, keyof shipped.Client>(true);
