//! Builds the web UI in `ui/` with npm and lists its files for `src/api/ui.rs` to embed, so one
//! `cargo build` makes one binary that serves the API and the UI.
//!
//! `HOOKD_UI_DIST=<folder>` embeds a UI built elsewhere instead (npm is then not needed).
//!
//! Cargo shows a build script's output only once it has finished, so what took the time is
//! reported then, as `warning:` lines (`npm ci` on a fresh clone takes a minute or two).

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What in `ui/` the build depends on.
const UI_INPUTS: [&str; 8] = [
    "src",
    "public",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
    "openapi.json",
];

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets it"));
    println!("cargo:rerun-if-env-changed=HOOKD_UI_DIST");
    let dist = match env::var_os("HOOKD_UI_DIST") {
        Some(dist) => PathBuf::from(dist),
        None => {
            let ui = manifest.join("../../ui");
            for input in UI_INPUTS {
                println!("cargo:rerun-if-changed={}", ui.join(input).display());
            }
            let dist = out.join("ui");
            build_ui(&ui, &dist);
            dist
        }
    };
    let mut files = Vec::new();
    collect(&dist, &dist, &mut files);
    files.sort();
    if !files.iter().any(|(path, _)| path == "/index.html") {
        panic!("{} has no index.html: is it a built UI?", dist.display());
    }
    let mut listing = String::from("static ASSETS: &[Asset] = &[\n");
    for (path, file) in files {
        writeln!(
            listing,
            "    Asset {{ path: {path:?}, content_type: {:?}, body: include_bytes!({:?}) }},",
            content_type(&path),
            file.display()
        )
        .expect("writing to a String");
    }
    listing.push_str("];\n");
    fs::write(out.join("ui_assets.rs"), listing).expect("OUT_DIR is writable");
}

/// `npm ci` when the dependencies are missing or out of date, then `vite build` into `dist`.
fn build_ui(ui: &Path, dist: &Path) {
    let installed = ui.join("node_modules/.package-lock.json");
    let stale = match (
        fs::metadata(&installed),
        fs::metadata(ui.join("package-lock.json")),
    ) {
        (Ok(installed), Ok(lock)) => {
            installed.modified().expect("mtime") < lock.modified().expect("mtime")
        }
        _ => true,
    };
    require_npm();
    if stale {
        npm(
            ui,
            &["ci", "--no-audit", "--no-fund"],
            "installed the web UI's packages",
        );
    }
    let dist = dist.to_str().expect("OUT_DIR is UTF-8");
    npm(
        ui,
        &["run", "build", "--", "--outDir", dist, "--emptyOutDir"],
        "built the web UI",
    );
}

/// Stops the build with one clear line when npm is not there.
fn require_npm() {
    let found = Command::new("npm")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        fail(
            "building hookd's web UI needs Node.js (20 or later) and npm on PATH, and `npm` was \
             not found: install them (e.g. `apt-get install nodejs npm`), or set HOOKD_UI_DIST \
             to a folder with a UI built elsewhere",
        );
    }
}

/// Runs `npm args` in `dir`, then says what it did and how long it took.
fn npm(dir: &Path, args: &[&str], done: &str) {
    let started = std::time::Instant::now();
    let status = Command::new("npm")
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap_or_else(|e| fail(&format!("could not run npm: {e}")));
    if !status.success() {
        fail(&format!(
            "`npm {}` in {} failed ({status}); its output is above",
            args.join(" "),
            dir.display()
        ));
    }
    println!(
        "cargo:warning={done} with `npm {}` in {:.0} s",
        args[..args.len().min(2)].join(" "),
        started.elapsed().as_secs_f64()
    );
}

/// Ends the build script with a message, without a panic's backtrace.
fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).expect("under root");
            let url = format!(
                "/{}",
                relative.to_str().expect("UTF-8 names").replace('\\', "/")
            );
            files.push((url, path.canonicalize().expect("the file exists")));
        }
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
