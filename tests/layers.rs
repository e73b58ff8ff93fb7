//! The dependency rule of ARCHITECTURE.md, checked on the source: each
//! top-level module of `src/` names only modules of lower layers (and
//! itself). `api` and `worker` stand side by side and never name each
//! other. A file that breaks the rule fails this test with its line.

use std::fs;
use std::path::{Path, PathBuf};

/// Top-level modules by layer, lowest first.
const LAYERS: &[&[&str]] = &[
    &["config", "logging", "python", "timestamps", "tls", "version"],
    &["error"],
    &["listing"],
    &["db"],
    &["policy", "scheduler"],
    &["service", "metrics", "shutdown"],
    &["api", "worker"],
    &["startup"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level module a file under `src/` belongs to.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Every top-level module a source text names through `crate::`.
fn named_modules(text: &str) -> Vec<(usize, String)> {
    let mut named = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        named.push((number + 1, name));
                    }
                }
            } else {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                named.push((number + 1, name));
            }
        }
    }
    named
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

#[test]
fn every_import_points_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut broken = Vec::new();
    for file in &files {
        let module = module_of(&src, file);
        if module == "main" || module == "lib" {
            continue;
        }
        let Some(own) = layer_of(&module) else {
            broken.push(format!(
                "{}: module `{module}` has no layer in tests/layers.rs",
                file.display()
            ));
            continue;
        };
        let text = fs::read_to_string(file).unwrap();
        for (line, named) in named_modules(&text) {
            if named == module {
                continue;
            }
            match layer_of(&named) {
                Some(layer) if layer < own => {}
                _ => broken.push(format!(
                    "{}:{line}: `{module}` names `crate::{named}`",
                    file.strip_prefix(&src).unwrap().display()
                )),
            }
        }
    }
    assert!(
        broken.is_empty(),
        "imports against the layering:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_scanner_sees_grouped_and_inline_paths() {
    let text = "use crate::{api, db::jobs};\nlet x = crate::startup::build();";
    assert_eq!(
        named_modules(text),
        [
            (1, "api".to_string()),
            (1, "db".to_string()),
            (2, "startup".to_string())
        ]
    );
}
