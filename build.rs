//! Cargo build script (not the pipeline's `src/build.rs`): the default theme
//! is compiled into the binary (`src/theme.rs`), so rebuild when any file
//! under `themes/default/` is added, removed or changed. Cargo scans the
//! folder recursively for this.
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=build.rs");
}
