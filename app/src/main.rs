//! The app's entry point: mount the root component.

fn main() {
    #[cfg(target_arch = "wasm32")]
    leptos::mount::mount_to_body(zg_console::ui::App);
}
