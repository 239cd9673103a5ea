//! The core's layering, checked from its sources: no module of `src/`
//! imports, through a chain of others, itself, and no layer uses a later one
//! (the shared values, then the calculator and the client's machines, then
//! the proxy and webhooks built on them, then the providers). The crates
//! built on the core (the npm bindings, the Rust client) are later layers
//! still, which Cargo holds: the core cannot name them.
//! Only `crate::`, `super::` and `self::` paths count (the crate names its
//! own modules no other way); comments, strings and test-only code do not.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The layers, first to last: a module may use its own layer's modules and
/// those of the layers before it. A module belongs to the layer one of whose
/// prefixes it has; one in none (the crate root) is not checked.
const LAYERS: &[&[&str]] = &[&["types"], &["pricing", "client"], &["webhook", "proxy"], &["providers"]];

/// Each module of `src/` (`a::b`, `""` for the crate root) and the modules it uses.
type Graph = BTreeMap<String, BTreeSet<String>>;

#[test]
fn no_module_imports_itself_through_others() {
    let graph = crate_graph();
    let cycles = cycles(&graph);
    assert!(cycles.is_empty(), "modules that import one another in a circle: {cycles:#?}");
}

#[test]
fn each_layer_uses_only_itself_and_the_layers_before_it() {
    let graph = crate_graph();
    let upward = upward_uses(&graph);
    assert!(upward.is_empty(), "modules that use a later layer: {upward:#?}");
}

/// The check reads the crate as it is: known uses appear, and the graph
/// spans every layer, so an empty result above means something.
#[test]
fn the_graph_holds_the_uses_the_sources_make() {
    let graph = crate_graph();
    assert!(graph["client::call"].contains("client::machine"));
    assert!(graph["providers::kling"].contains("providers::common"), "a super:: path");
    assert!(graph["providers::trinetra"].contains("client::provider"));
    assert!(!graph.contains_key("client::testing"), "a test-only module is not part of the graph");
}

#[test]
fn the_reader_takes_use_trees_and_skips_comments_strings_and_tests() {
    let source = r##"
        //! [`Logged`](crate::a::doc) in a comment
        use crate::a::{b::{C, D}, e, self as f};
        use super::g::H;
        /* crate::a::block */
        const URL: &str = "crate::a::string"; const RAW: &str = r#"crate::a::raw"#;
        fn k<'a>(c: &'a char) -> bool { *c == '"' || crate::a::inline::call() }
        #[cfg(test)]
        use crate::a::test_import;
        #[cfg(all(test, feature = "x"))]
        mod tests { use crate::a::test_module; }
        #[cfg(not(test))]
        fn shipped() { self::shipped_helper::run() }
    "##;
    let modules: BTreeSet<String> =
        ["", "a", "a::b", "a::e", "a::inline", "m", "m::g", "m::n", "m::n::shipped_helper"].map(String::from).into();
    let used = uses("m::n", source, &modules);
    let expected = ["a", "a::b", "a::e", "a::inline", "m::g", "m::n::shipped_helper"].map(String::from);
    assert_eq!(used, expected.into());
}

#[test]
fn a_circle_and_an_upward_use_are_found() {
    let edges = [("types::a", "types::b"), ("types::b", "types::a"), ("types::a", "providers")];
    let mut graph = Graph::new();
    for (from, to) in edges {
        graph.entry(from.into()).or_default().insert(to.into());
        graph.entry(to.into()).or_default();
    }
    assert_eq!(cycles(&graph), [vec!["types::a".to_owned(), "types::b".to_owned()]]);
    assert_eq!(upward_uses(&graph), [("types::a".to_owned(), "providers".to_owned())]);
}

/// The modules of `src/` and what each uses, test-only modules left out.
fn crate_graph() -> Graph {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    collect(&root, &root, &mut files);
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    let mut graph = Graph::new();
    for (module, text) in &files {
        if !is_test_only(module, &files) {
            graph.insert(module.clone(), uses(module, text, &modules));
        }
    }
    graph
}

/// Whether `module`, or a module it is in, is declared under a test-only `cfg`.
fn is_test_only(module: &str, files: &BTreeMap<String, String>) -> bool {
    let parts: Vec<&str> = module.split("::").filter(|part| !part.is_empty()).collect();
    (0..parts.len()).any(|at| {
        let parent = parts[..at].join("::");
        files.get(&parent).is_some_and(|text| test_only_modules(text).contains(parts[at]))
    })
}

/// Reads every `.rs` file under `dir` as the module its path names.
fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, String>) {
    for entry in fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let relative = path.strip_prefix(root).unwrap().with_extension("");
            let mut parts: Vec<String> =
                relative.components().map(|part| part.as_os_str().to_string_lossy().into_owned()).collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            files.insert(parts.join("::"), fs::read_to_string(&path).expect("a source file is text"));
        }
    }
}

/// The modules `module`'s `source` uses, by the longest known module each
/// path names; itself and its ancestors left out.
fn uses(module: &str, source: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let code = without_tests(&code_only(source));
    let mut used = BTreeSet::new();
    for path in paths(&code) {
        let Some(absolute) = absolute(module, &path) else { continue };
        let target = (0..=absolute.len()).rev().map(|n| absolute[..n].join("::")).find(|m| modules.contains(m));
        if let Some(target) = target {
            let ancestor = target.is_empty() || module == target || module.starts_with(&format!("{target}::"));
            if !ancestor {
                used.insert(target);
            }
        }
    }
    used
}

/// `path` from the crate root, for a path written in `module`.
fn absolute(module: &str, path: &[String]) -> Option<Vec<String>> {
    let mut base: Vec<String> = module.split("::").filter(|part| !part.is_empty()).map(String::from).collect();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => base.clear(),
        Some("self") => {}
        Some("super") => {
            while rest.first().is_some_and(|part| part == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
            base.extend(rest.iter().cloned());
            return Some(base);
        }
        _ => return None,
    }
    base.extend(rest[1..].iter().cloned());
    Some(base)
}

/// Every path that starts with `crate`, `super` or `self`, a `use` tree's
/// groups (`a::{b::C, d}`) expanded into one path per leaf.
fn paths(code: &str) -> Vec<Vec<String>> {
    let tokens = tokens(code);
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let starts = matches!(tokens[i].as_str(), "crate" | "super" | "self");
        let after_path = i > 0 && tokens[i - 1] == "::";
        if starts && !after_path {
            i = tree(&tokens, i, Vec::new(), &mut found);
        } else {
            i += 1;
        }
    }
    found
}

/// Reads one path (or `use` tree) from `tokens[i]`, its leaves appended to
/// `found` after `prefix`; returns where it ends.
fn tree(tokens: &[String], mut i: usize, mut prefix: Vec<String>, found: &mut Vec<Vec<String>>) -> usize {
    while i < tokens.len() {
        if tokens[i] == "{" {
            i += 1;
            while i < tokens.len() && tokens[i] != "}" {
                i = tree(tokens, i, prefix.clone(), found);
                if tokens.get(i).is_some_and(|t| t == ",") {
                    i += 1;
                }
            }
            return i + 1;
        }
        if !is_word(&tokens[i]) {
            break;
        }
        prefix.push(tokens[i].clone());
        i += 1;
        if tokens.get(i).is_none_or(|t| t != "::") {
            break;
        }
        i += 1;
    }
    found.push(prefix);
    // A renaming (`self as f`) names nothing more.
    if tokens.get(i).is_some_and(|t| t == "as") {
        i += 2;
    }
    i
}

fn is_word(token: &str) -> bool {
    token.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Words, `::` and single punctuation characters.
fn tokens(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
            continue;
        }
        if c == ':' && chars.get(i + 1) == Some(&':') {
            tokens.push("::".to_owned());
            i += 2;
            continue;
        }
        if !c.is_whitespace() {
            tokens.push(c.to_string());
        }
        i += 1;
    }
    tokens
}

/// `source` with its comments, string and character literals blanked out.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let skip = if rest.starts_with(&['/', '/']) {
            rest.iter().position(|&c| c == '\n').unwrap_or(rest.len())
        } else if rest.starts_with(&['/', '*']) {
            block_comment_len(rest)
        } else if rest[0] == '"' {
            quoted_len(rest)
        } else if rest[0] == 'r' && matches!(rest.get(1), Some('"' | '#')) && starts_raw(&chars, i) {
            raw_string_len(rest)
        } else if rest[0] == '\'' {
            char_literal_len(rest)
        } else {
            0
        };
        if skip == 0 {
            out.push(chars[i]);
            i += 1;
        } else {
            out.push(' ');
            i += skip;
        }
    }
    out
}

/// Whether the `r` at `i` opens a raw string (`r"`, `br#"`), not ends a word.
fn starts_raw(chars: &[char], i: usize) -> bool {
    let word = |at: usize| chars[at].is_alphanumeric() || chars[at] == '_';
    i == 0 || !word(i - 1) || chars[i - 1] == 'b' && (i == 1 || !word(i - 2))
}

fn block_comment_len(rest: &[char]) -> usize {
    let (mut depth, mut i) = (0, 0);
    while i < rest.len() {
        if rest[i..].starts_with(&['/', '*']) {
            depth += 1;
            i += 2;
        } else if rest[i..].starts_with(&['*', '/']) {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    rest.len()
}

fn quoted_len(rest: &[char]) -> usize {
    let mut i = 1;
    while i < rest.len() {
        match rest[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    rest.len()
}

fn raw_string_len(rest: &[char]) -> usize {
    let hashes = rest[1..].iter().take_while(|&&c| c == '#').count();
    if rest.get(1 + hashes) != Some(&'"') {
        return 0;
    }
    let close: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
    let body = 2 + hashes;
    (body..rest.len()).find(|&i| rest[i..].starts_with(&close)).map_or(rest.len(), |i| i + close.len())
}

/// A character literal's length; 0 for a lifetime or a label.
fn char_literal_len(rest: &[char]) -> usize {
    match rest.get(1) {
        Some('\\') => rest.iter().skip(2).position(|&c| c == '\'').map_or(0, |i| i + 3),
        Some(_) if rest.get(2) == Some(&'\'') => 3,
        _ => 0,
    }
}

/// Whether the attribute text (between `#[` and `]`) makes its item test-only.
fn is_test_cfg(attribute: &str) -> bool {
    let words = tokens(attribute);
    words.first().is_some_and(|w| w == "cfg") && words.iter().any(|w| w == "test") && !attribute.contains("not")
}

/// `code` without the items under a test-only `cfg`.
fn without_tests(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(start) = rest.find("#[") {
        let end = start + item_end(&rest[start..], 2, '[', ']');
        if is_test_cfg(&rest[start + 2..end - 1]) {
            out.push_str(&rest[..start]);
            rest = &rest[end..];
            rest = &rest[test_item_len(rest)..];
        } else {
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

/// The length of the item that starts `code`: up to its `;`, or its
/// balanced `{ … }`, whichever closes it first (further attributes included).
fn test_item_len(code: &str) -> usize {
    for (i, c) in code.char_indices() {
        match c {
            ';' => return i + 1,
            '{' => return i + item_end(&code[i..], 1, '{', '}'),
            _ => {}
        }
    }
    code.len()
}

/// Where the bracket opened just before `from` closes, counted from the start of `text`.
fn item_end(text: &str, from: usize, open: char, close: char) -> usize {
    let mut depth = 1;
    for (i, c) in text[from..].char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return from + i + 1;
            }
        }
    }
    text.len()
}

/// The submodules `source` declares under a test-only `cfg` (`mod tests;`).
fn test_only_modules(source: &str) -> BTreeSet<String> {
    let code = code_only(source);
    let mut names = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(start) = rest.find("#[") {
        let end = start + item_end(&rest[start..], 2, '[', ']');
        if is_test_cfg(&rest[start + 2..end - 1]) {
            let item = tokens(&rest[end..end + test_item_len(&rest[end..])]);
            if let Some(at) = item.iter().position(|t| t == "mod") {
                names.extend(item.get(at + 1).cloned());
            }
        }
        rest = &rest[end..];
    }
    names
}

/// The strongly connected components of more than one module (Tarjan's
/// algorithm), each sorted: every module in one reaches every other.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct Search<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        found: Vec<Vec<String>>,
    }
    impl<'g> Search<'g> {
        fn visit(&mut self, module: &'g str) {
            let number = self.index.len();
            self.index.insert(module, number);
            self.low.insert(module, number);
            self.stack.push(module);
            for used in self.graph.get(module).into_iter().flatten() {
                if !self.index.contains_key(used.as_str()) {
                    self.visit(used);
                    let low = self.low[used.as_str()].min(self.low[module]);
                    self.low.insert(module, low);
                } else if self.stack.contains(&used.as_str()) {
                    let low = self.index[used.as_str()].min(self.low[module]);
                    self.low.insert(module, low);
                }
            }
            if self.low[module] == self.index[module] {
                let at = self.stack.iter().rposition(|m| *m == module).unwrap_or(0);
                let mut component: Vec<String> = self.stack.drain(at..).map(String::from).collect();
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut search =
        Search { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for module in graph.keys() {
        if !search.index.contains_key(module.as_str()) {
            search.visit(module);
        }
    }
    search.found
}

/// The uses of a later layer: `(user, used)`.
fn upward_uses(graph: &Graph) -> Vec<(String, String)> {
    let layer = |module: &str| {
        LAYERS.iter().position(|prefixes| {
            prefixes.iter().any(|prefix| module == *prefix || module.starts_with(&format!("{prefix}::")))
        })
    };
    let mut upward = Vec::new();
    for (module, used) in graph {
        for target in used {
            if let (Some(from), Some(to)) = (layer(module), layer(target)) {
                if to > from {
                    upward.push((module.clone(), target.clone()));
                }
            }
        }
    }
    upward
}
