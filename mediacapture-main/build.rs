//! Tells the crate whether it is being built without optimizations (`OPT_LEVEL` 0, a
//! dependent's debug build without the README's profile lines), so that it can say so.
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(mediacapture_unoptimized)");
    if std::env::var("OPT_LEVEL").as_deref() == Ok("0") {
        println!("cargo::rustc-cfg=mediacapture_unoptimized");
    }
}
