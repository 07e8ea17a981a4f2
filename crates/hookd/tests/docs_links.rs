//! The repository's documents stand on their own: README.md, ARCHITECTURE.md, everything
//! under docs/ and every command's `--help` link only to files that are in the repository, and
//! never send the reader to notes that are not.

use std::path::{Path, PathBuf};

/// Names of documents that are not part of the repository; no document may mention them.
const OUTSIDE: [&str; 4] = ["DESIGN.md", "API.md", "STYLE.md", "../shared"];

/// The workspace root: two levels above this crate.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// README.md, ARCHITECTURE.md and every `.md` file under docs/, as paths relative to the root.
fn documents() -> Vec<PathBuf> {
    let mut found = vec![PathBuf::from("README.md"), PathBuf::from("ARCHITECTURE.md")];
    let mut folders = vec![PathBuf::from("docs")];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(root().join(&folder))
            .unwrap_or_else(|e| panic!("reading {}: {e}", folder.display()));
        for entry in entries {
            let name = folder.join(entry.expect("a directory entry").file_name());
            if root().join(&name).is_dir() {
                folders.push(name);
            } else if name.extension().is_some_and(|ext| ext == "md") {
                found.push(name);
            }
        }
    }
    found.sort();
    found
}

fn read(document: &Path) -> String {
    std::fs::read_to_string(root().join(document))
        .unwrap_or_else(|e| panic!("reading {}: {e}", document.display()))
}

/// The text with fenced code blocks and inline code spans blanked out, so that code that
/// happens to contain `](` is not taken for a link. Line numbers are kept.
fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            let mut in_code = false;
            for c in line.chars() {
                if c == '`' {
                    in_code = !in_code;
                } else if !in_code {
                    out.push(c);
                }
            }
        }
        out.push('\n');
    }
    out
}

/// Every inline link or image target `](target)` of a markdown text, with its line number,
/// without a title (`](file.md "title")`) or angle brackets.
fn link_targets(text: &str) -> Vec<(usize, String)> {
    let mut targets = Vec::new();
    for (index, line) in prose(text).lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            rest = &rest[start + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = rest[..end].trim();
            let target = target.split_whitespace().next().unwrap_or_default();
            let target = target.trim_start_matches('<').trim_end_matches('>');
            targets.push((index + 1, target.to_owned()));
            rest = &rest[end + 1..];
        }
    }
    targets
}

/// The file a link target names, relative to the root, or `None` when the target is not a file
/// of the repository: a URL with a scheme (`http:`, `https:`, `mailto:`), or an anchor in the
/// same document (`#...`). A target starting with `/` is taken from the root, as GitHub does.
fn local_file(document: &Path, target: &str) -> Option<PathBuf> {
    let scheme = target
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains(['/', '#', '.']));
    if target.is_empty() || target.starts_with('#') || scheme {
        return None;
    }
    let path = target.split(['#', '?']).next().unwrap_or_default();
    Some(match path.strip_prefix('/') {
        Some(from_root) => PathBuf::from(from_root),
        None => document.parent().unwrap_or(Path::new("")).join(path),
    })
}

/// Every relative link in README.md, ARCHITECTURE.md and docs/*.md (a link or image whose target
/// is not a URL and not an anchor of the same page) names a file or folder that exists in the
/// repository, resolved from the document's own folder; `#anchor` after the path is allowed.
#[test]
fn relative_links_point_at_files_in_the_repository() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for document in documents() {
        for (line, target) in link_targets(&read(&document)) {
            let Some(file) = local_file(&document, &target) else {
                continue;
            };
            checked += 1;
            if !root().join(&file).exists() {
                broken.push(format!("{}:{line}: ({target})", document.display()));
            }
        }
    }
    assert!(
        checked > 0,
        "no relative link found: is the link scanner broken?"
    );
    assert!(
        broken.is_empty(),
        "links to files that are not in the repository:\n  {}",
        broken.join("\n  ")
    );
}

/// No document mentions a name of `OUTSIDE`: those are notes outside the repository, which its
/// readers don't have.
#[test]
fn no_document_refers_to_notes_outside_the_repository() {
    let mut found = Vec::new();
    for document in documents() {
        for (index, line) in read(&document).lines().enumerate() {
            for name in OUTSIDE.iter().filter(|name| line.contains(*name)) {
                found.push(format!("{}:{}: {name}", document.display(), index + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "documents refer to files outside the repository:\n  {}",
        found.join("\n  ")
    );
}

/// The documents the other checks read are there: README.md, ARCHITECTURE.md, the API guide
/// and the performance notes.
#[test]
fn the_documents_exist() {
    let documents = documents();
    for expected in [
        "README.md",
        "ARCHITECTURE.md",
        "docs/api.md",
        "docs/performance.md",
    ] {
        assert!(
            documents.contains(&PathBuf::from(expected)),
            "{expected} is missing: {documents:?}"
        );
    }
}

/// The scanner finds inline links and images, ignores code, URLs and same-page anchors, and
/// resolves the rest from the document's folder.
#[test]
fn the_link_scanner_reads_markdown_as_intended() {
    let text = "See [the API](api.md#events) and ![a picture](screenshots/a.png \"title\").\n\
                Not [this](https://example.com), [mail](mailto:a@b.c), [up](#top) or \
                [local](http://127.0.0.1:8080/docs).\n\
                `[code](not-a-link.md)`\n\
                ```\n[fenced](not-a-link-either.md)\n```\n\
                [root](/README.md) [parent](../ARCHITECTURE.md)\n";
    let targets = link_targets(text);
    let files: Vec<(usize, PathBuf)> = targets
        .iter()
        .filter_map(|(line, t)| local_file(Path::new("docs/guide.md"), t).map(|f| (*line, f)))
        .collect();
    assert_eq!(
        files,
        vec![
            (1, PathBuf::from("docs/api.md")),
            (1, PathBuf::from("docs/screenshots/a.png")),
            (7, PathBuf::from("README.md")),
            (7, PathBuf::from("docs/../ARCHITECTURE.md")),
        ]
    );
    assert_eq!(targets.len(), 8, "{targets:?}");
}

/// The help of `hookd` and of each of its commands names no note of `OUTSIDE`, and every file
/// it refers to (`*.md`, `docs/...`) is in the repository.
#[test]
fn help_refers_only_to_what_the_repository_has() {
    let help = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_hookd"))
            .args(args)
            .output()
            .expect("hookd runs");
        String::from_utf8(output.stdout).expect("help is text")
    };
    let main = help(&["--help"]);
    let commands: Vec<&str> = main
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    assert!(commands.contains(&"serve"), "commands read from:\n{main}");
    let mut texts = vec![main.clone()];
    texts.extend(commands.iter().map(|name| help(&[name, "--help"])));
    for text in &texts {
        let named: Vec<&str> = OUTSIDE
            .into_iter()
            .filter(|name| text.contains(name))
            .collect();
        assert!(named.is_empty(), "{named:?} in {text}");
        for word in text.split_whitespace() {
            let word = word.trim_matches(|c: char| "()`,.;:".contains(c));
            if word.ends_with(".md") || word.starts_with("docs/") {
                assert!(
                    root().join(word).exists(),
                    "{word} is referred to in the help"
                );
            }
        }
    }
}
