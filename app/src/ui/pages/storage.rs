//! The Storage page: upload a file to 0G Storage (drag and drop), see its root, fee and
//! progress; the uploads list with resume, download and audit; download by root.

use std::rc::Rc;

use alloy_primitives::B256;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_light_client::storage::{num_segments, FileTree};

use crate::format::{format_0g, short_hash};
use crate::storage::discovery::TransferPath;
use crate::storage::plan::Placement;
use crate::storage::records::{self, UploadRecord};
use crate::storage::service::{AuditCheck, Progress, Quote, StorageService};
use crate::storage::source::FileSource;
use crate::ui::components::{node_words_apart, ErrorAlert, Spinner};
use crate::ui::state::{use_app, AppState};

/// The storage service for the connected network, shared by the page's cards.
type Service = StoredValue<Option<Rc<StorageService>>, LocalStorage>;

#[component]
pub fn StoragePage() -> impl IntoView {
    let app = use_app();
    let service: Service = StoredValue::new_local(None);
    let status = RwSignal::new(None::<Result<String, String>>);
    let uploads = RwSignal::new(Vec::<UploadRecord>::new());
    let path = RwSignal::new(None::<String>);
    let reload = move || reload_uploads(app, uploads);

    spawn_local(async move {
        let config = app.chain.network().and_then(|n| n.storage);
        match StorageService::connect(config).await {
            Ok(s) => {
                status.set(Some(Ok(connection_text(&s))));
                path.set(s.path().map(|p| p.to_string()));
                service.set_value(Some(Rc::new(s)));
            }
            Err(e) => status.set(Some(Err(e.to_string()))),
        }
        reload();
    });

    view! {
        <h1 class="page-title">"Storage"</h1>
        <div class="stack">
            {move || match status.get() {
                None => view! { <p class="muted"><Spinner />" Connecting to the storage nodes…"</p> }.into_any(),
                Some(Ok(text)) => view! {
                    <p class="muted" data-testid="storage-nodes">{text}</p>
                    <p data-testid="storage-path">{move || path.get().map(|p| format!("Transfers go {p}"))
                        .unwrap_or_else(|| "No way to the storage nodes from this page".into())}</p>
                }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert-warn" role="alert">{e}</div> }.into_any(),
            }}
            <UploadCard service uploads reload=Callback::new(move |_| reload()) />
            <UploadsCard service uploads reload=Callback::new(move |_| reload()) />
            <DownloadCard service />
        </div>
    }
}

/// Which nodes were chosen and how they were found, and what went wrong on the way.
fn connection_text(s: &StorageService) -> String {
    let shards = s
        .nodes()
        .iter()
        .map(|n| format!("{} (shard {}/{})", host(&n.url), n.shard.shard_id, n.shard.num_shard))
        .collect::<Vec<_>>()
        .join(", ");
    let mut text = if shards.is_empty() {
        "No storage node is reachable from this page".to_string()
    } else {
        format!("Storage nodes: {shards}")
    };
    let notes = s.notes();
    if !notes.is_empty() {
        text.push_str(&format!(". Left out: {}", notes.join("; ")));
    }
    text
}

fn reload_uploads(app: AppState, uploads: RwSignal<Vec<UploadRecord>>) {
    let Some(network) = app.chain.network() else { return };
    spawn_local(async move {
        if let Ok(list) = records::list(&network.id).await {
            uploads.set(list);
        }
    });
}

fn host(url: &str) -> String {
    url.split("://").nth(1).unwrap_or(url).trim_end_matches('/').to_string()
}

fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Where the upload form stands.
#[derive(Clone)]
enum Upload {
    Empty,
    Hashing { name: String, done: u64, total: u64 },
    Ready { source: FileSource, tree: Rc<FileTree>, quote: Result<Quote, String>, resume: Option<Box<UploadRecord>> },
    Running { name: String, root: B256, step: usize, detail: String, done: u64, total: u64 },
    Finished { name: String, root: B256, path: String },
}

const STEPS: [&str; 4] = ["Hash", "Pay and announce", "Nodes see it", "Upload segments"];

#[component]
fn UploadCard(service: Service, uploads: RwSignal<Vec<UploadRecord>>, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let state = RwSignal::new_local(Upload::Empty);
    let error = RwSignal::new(None::<String>);
    let dragging = RwSignal::new(false);

    let pick = move |file: web_sys::File| {
        let Some(svc) = service.get_value() else {
            return error.set(Some("The storage nodes are not connected yet.".into()));
        };
        let Some(chain) = app.chain.client() else { return error.set(Some("Not connected to a network.".into())) };
        error.set(None);
        let source = FileSource::new(file);
        if source.size == 0 {
            return error.set(Some("This file is empty: 0G Storage does not store zero-length data.".into()));
        }
        state.set(Upload::Hashing { name: source.name.clone(), done: 0, total: source.size });
        spawn_local(async move {
            let name = source.name.clone();
            let progress = move |p: Progress| {
                if let Progress::Hashing { done, total } = p {
                    state.set(Upload::Hashing { name: name.clone(), done, total });
                }
            };
            let tree = match StorageService::hash(&source, &progress).await {
                Ok(t) => Rc::new(t),
                Err(e) => {
                    state.set(Upload::Empty);
                    return error.set(Some(e.to_string()));
                }
            };
            let resume = uploads.get_untracked().into_iter().find(|r| r.root == tree.root()).map(Box::new);
            let quote = svc.quote(&chain, &tree).await.map_err(|e| e.to_string());
            state.set(Upload::Ready { source, tree, quote, resume });
        });
    };

    let on_input = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = ev.target().unwrap().unchecked_into();
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            pick(file);
        }
        input.set_value("");
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            pick(file);
        }
    };

    let start = move |_| {
        let Upload::Ready { source, tree, quote: Ok(quote), resume } = state.get_untracked() else { return };
        let (Some(svc), Some(chain), Some(network)) = (service.get_value(), app.chain.client(), app.chain.network())
        else {
            return;
        };
        let index = app.session.selected.get_untracked();
        let key = match app.session.signing_key(index) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        error.set(None);
        let name = source.name.clone();
        let root = tree.root();
        let total = num_segments(tree.size());
        let running = Rc::new(move |step: usize, detail: &str, done: u64| {
            state.set(Upload::Running { name: name.clone(), root, step, detail: detail.to_string(), done, total })
        });
        spawn_local(async move {
            let mut record = resume.map(|r| *r).unwrap_or(UploadRecord {
                network: network.id.clone(),
                root,
                name: source.name.clone(),
                size: source.size,
                tx_hash: None,
                submitted_block: None,
                start_entry: None,
                acknowledged: vec![],
                segments: total,
                created_ms: now_ms(),
            });
            let result = async {
                if record.submitted_block.is_none() {
                    running(
                        1,
                        &format!("Paying {} and announcing the file on the Flow contract…", format_0g(quote.fee)),
                        0,
                    );
                    let submitted = svc.submit(&chain, &key, &tree, &quote).await?;
                    record.tx_hash = Some(submitted.tx_hash);
                    record.submitted_block = Some(submitted.block);
                    record.start_entry = Some(submitted.placement.start_entry);
                    records::save(&record).await.map_err(crate::storage::service::StorageError::record)?;
                    reload.run(());
                }
                running(2, "Waiting for the storage nodes to see the submission…", record.acknowledged.len() as u64);
                svc.wait_until_known(root).await?;
                let on_progress = running.clone();
                let progress = move |p: Progress| {
                    if let Progress::Uploading { done, .. } = p {
                        on_progress(3, "Uploading segments with their proofs…", done);
                    }
                };
                running(3, "Uploading segments with their proofs…", record.acknowledged.len() as u64);
                svc.upload(&source, &tree, &mut record, &progress).await
            }
            .await;
            drop(key);
            reload.run(());
            match result {
                Ok(path) => {
                    app.toasts.success(&format!("{} is stored on 0G Storage", source.name));
                    state.set(Upload::Finished { name: source.name.clone(), root, path: path.to_string() });
                }
                Err(e) => {
                    error.set(Some(e.to_string()));
                    state.set(Upload::Ready { source, tree, quote: Ok(quote), resume: Some(Box::new(record)) });
                }
            }
        });
    };

    view! {
        <section class="card stack" aria-label="Upload">
            <h2 class="card-title">"Upload a file"</h2>
            <label class="dropzone" class:dragging=move || dragging.get()
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop>
                <input type="file" class="sr-only" aria-label="File to upload" on:change=on_input />
                <span class="dropzone-title">"Drop a file here, or choose one"</span>
                <span class="hint">"It is hashed here first; every segment goes out with its Merkle proof."</span>
            </label>
            <ErrorAlert message=error />
            {move || match state.get() {
                Upload::Empty => ().into_any(),
                Upload::Hashing { name, done, total } => view! {
                    <div class="stack">
                        <p>{format!("Hashing {name}…")}</p>
                        <ProgressBar done total label="Hashing" />
                    </div>
                }.into_any(),
                Upload::Ready { source, tree, quote, resume } => {
                    let resuming = resume.as_ref().is_some_and(|r| r.submitted_block.is_some());
                    view! {
                        <dl class="kv">
                            <dt>"File"</dt><dd>{source.name.clone()}" · "{human_size(source.size)}</dd>
                            <dt>"Root"</dt><dd class="mono" data-testid="upload-root">{tree.root().to_string()}</dd>
                            <dt>"Segments"</dt><dd>{num_segments(tree.size())}</dd>
                            <dt>"Hash"</dt><dd data-testid="hash-path">{crate::storage::hashing::last_path().map(|p| p.to_string()).unwrap_or_default()}</dd>
                            <dt>"Fee"</dt>
                            <dd data-testid="upload-fee">{match &quote {
                                Ok(q) if resuming => format!("already paid (was {})", format_0g(q.fee)),
                                Ok(q) => format!("{} ({} sectors × {} wei, price verified at block {})", format_0g(q.fee), q.sectors, q.price_per_sector, q.block),
                                Err(e) => format!("unavailable: {e}"),
                            }}</dd>
                        </dl>
                        <div class="row">
                            <span class="spacer"></span>
                            <button class="btn btn-primary" on:click=start disabled=quote.is_err()>
                                {if resuming { "Resume upload".to_string() } else {
                                    format!("Pay {} and upload", quote.as_ref().map(|q| format_0g(q.fee)).unwrap_or_default())
                                }}
                            </button>
                        </div>
                    }.into_any()
                }
                Upload::Running { name, root, step, detail, done, total } => view! {
                    <div class="stack" data-testid="upload-progress">
                        <p>{name}" · "<span class="mono">{short_hash(&root.to_string())}</span></p>
                        <ol class="steps">
                            {STEPS.iter().enumerate().map(|(i, s)| {
                                let class = if i < step { "step done" } else if i == step { "step current" } else { "step" };
                                view! { <li class=class>{*s}</li> }
                            }).collect_view()}
                        </ol>
                        <p class="muted" role="status">{detail}</p>
                        <ProgressBar done total label="Segments uploaded" />
                    </div>
                }.into_any(),
                Upload::Finished { name, root, path } => view! {
                    <div class="tx-status" data-state="confirmed" role="status" data-testid="upload-status">
                        {format!("{name} is stored: every segment acknowledged ({path}). Root {root}")}
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ProgressBar(done: u64, total: u64, label: &'static str) -> impl IntoView {
    let pct = (done * 100).checked_div(total).unwrap_or(100).min(100);
    view! {
        <div class="progress" role="progressbar" aria-label=label aria-valuemin="0" aria-valuemax="100" aria-valuenow=pct.to_string()>
            <div class="progress-bar" style=format!("width:{pct}%")></div>
        </div>
        <span class="hint">{format!("{done} of {total}")}</span>
    }
}

#[component]
fn UploadsCard(service: Service, uploads: RwSignal<Vec<UploadRecord>>, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    view! {
        <section class="card stack" aria-label="Uploads">
            <h2 class="card-title">"Your uploads"</h2>
            {move || {
                let list = uploads.get();
                if list.is_empty() {
                    return view! { <p class="muted">"Nothing uploaded from this browser on this network yet."</p> }.into_any();
                }
                view! {
                    <ul class="upload-list" data-testid="uploads-list">
                        {list.into_iter().map(|r| view! { <UploadRow record=r service reload /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {move || app.chain.network().is_none().then(|| view! { <p class="muted">"Connect to a network first."</p> })}
        </section>
    }
}

#[component]
fn UploadRow(record: UploadRecord, service: Service, reload: Callback<()>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let result = RwSignal::new(None::<Result<String, String>>);
    let audit_rows = RwSignal::new(Vec::<AuditCheck>::new());
    let root = record.root;
    let size = record.size;
    let name = record.name.clone();
    let complete = record.complete();
    let at = Placement { start_entry: record.start_entry.unwrap_or_default() };
    let network = record.network.clone();
    let status = if record.complete() {
        "stored".to_string()
    } else if record.submitted_block.is_some() {
        format!(
            "{} of {} segments stored: pick the same file above to resume",
            record.acknowledged.len(),
            record.segments
        )
    } else {
        "not yet paid: pick the same file above to continue".to_string()
    };

    let download = move |_| {
        let Some(svc) = service.get_value() else { return };
        let name = name.clone();
        busy.set(true);
        result.set(None);
        spawn_local(async move {
            let progress = |_p: Progress| {};
            match svc.download(root, size, at, &progress).await {
                Ok(d) => {
                    let verified = match &d.path {
                        TransferPath::Direct { .. } => {
                            format!("{name} downloaded {}, every segment verified against the root", d.path)
                        }
                        TransferPath::Gateway { .. } => {
                            format!("{name} downloaded {}, the whole file verified against the root", d.path)
                        }
                    };
                    let text = if d.faults.is_empty() {
                        verified
                    } else {
                        format!("{verified}. Skipped bad answers: {}", d.faults.join("; "))
                    };
                    save_to_disk(&name, &d.bytes);
                    result.set(Some(Ok(text)));
                }
                Err(e) => result.set(Some(Err(e.to_string()))),
            }
            busy.set(false);
        });
    };
    let audit = move |_| {
        let Some(svc) = service.get_value() else { return };
        busy.set(true);
        result.set(None);
        spawn_local(async move {
            match svc.audit(root, size, at, 8).await {
                Ok(checks) => {
                    let ok = checks.iter().filter(|c| c.failure.is_none()).count();
                    let text = format!("Audit: {ok} of {} sampled segments answered with a valid proof", checks.len());
                    result.set(Some(if ok == checks.len() { Ok(text) } else { Err(text) }));
                    audit_rows.set(checks);
                }
                Err(e) => result.set(Some(Err(e.to_string()))),
            }
            busy.set(false);
        });
    };
    let remove = move |_| {
        let network = network.clone();
        spawn_local(async move {
            let _ = records::remove(&network, root).await;
            reload.run(());
        });
    };

    view! {
        <li class="upload-row" data-root=root.to_string()>
            <div class="upload-main">
                <span class="account-name">{record.name.clone()}</span>
                <span class="muted">{human_size(record.size)}" · "<span class="mono">{short_hash(&root.to_string())}</span></span>
                <span class="hint" data-testid="upload-row-status">{status}</span>
            </div>
            <div class="toolbar">
                <button class="btn btn-secondary btn-sm" on:click=download disabled=move || busy.get() || !complete>"Download"</button>
                <button class="btn btn-secondary btn-sm" on:click=audit disabled=move || busy.get() || !complete>"Audit"</button>
                <button class="btn btn-ghost btn-sm" on:click=remove disabled=move || busy.get()>"Forget"</button>
            </div>
            {move || busy.get().then(|| view! { <Spinner /> })}
            {move || result.get().map(|r| match r {
                Ok(t) => view! { <p class="tx-status" data-state="confirmed" role="status">{t}</p> }.into_any(),
                Err(t) => view! { <p class="alert alert-error" role="alert">{node_words_apart(&t.to_string())}</p> }.into_any(),
            })}
            {move || {
                let rows = audit_rows.get();
                (!rows.is_empty()).then(|| view! {
                    <ul class="audit-list">
                        {rows.into_iter().map(|c| view! {
                            <li>{format!("segment {} at {}: ", c.segment, host(&c.node))}
                                {match c.failure { None => "valid proof".to_string(), Some(f) => f }}</li>
                        }).collect_view()}
                    </ul>
                })
            }}
        </li>
    }
}

#[component]
fn DownloadCard(service: Service) -> impl IntoView {
    let root = RwSignal::new(String::new());
    let size = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        done.set(None);
        let Ok(r) = root.get_untracked().trim().parse::<B256>() else {
            return error.set(Some("Root: 0x followed by 64 hexadecimal characters.".into()));
        };
        let given = size.get_untracked();
        let given = given.trim();
        let s = if given.is_empty() {
            None
        } else {
            match given.parse::<u64>() {
                Ok(s) => Some(s),
                Err(_) => return error.set(Some("Size: the file's length in bytes, a whole number, or blank.".into())),
            }
        };
        let Some(svc) = service.get_value() else {
            return error.set(Some("The storage nodes are not connected.".into()));
        };
        busy.set(true);
        spawn_local(async move {
            let located = svc.locate(r).await;
            let result = match located {
                Ok((at, reported)) => svc.download(r, s.unwrap_or(reported), at, &|_| {}).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(d) => {
                    save_to_disk(&format!("{r}.bin"), &d.bytes);
                    let mut text = format!("Downloaded {} bytes {}, verified against {r}", d.bytes.len(), d.path);
                    if !d.faults.is_empty() {
                        text.push_str(&format!(". Skipped bad answers: {}", d.faults.join("; ")));
                    }
                    done.set(Some(text));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="card stack" aria-label="Download by root" on:submit=submit>
            <h2 class="card-title">"Download by root"</h2>
            <p class="muted">"Anyone's file: every segment is checked against the root before it is kept. Leave the size blank to use the size the nodes report; a wrong size fails the proofs."</p>
            <div class="grid-2">
                <div class="field"><label for="dl-root">"File root"</label><input id="dl-root" class="mono" bind:value=root /></div>
                <div class="field"><label for="dl-size">"Size in bytes (optional)"</label><input id="dl-size" inputmode="numeric" bind:value=size /></div>
            </div>
            <ErrorAlert message=error />
            {move || done.get().map(|t| view! { <p class="tx-status" data-state="confirmed" role="status">{t}</p> })}
            <div class="row"><span class="spacer"></span>
                <button type="submit" class="btn btn-secondary" disabled=move || busy.get()>"Download"</button>
            </div>
        </form>
    }
}

/// Hands `bytes` to the browser as a download named `name`.
fn save_to_disk(name: &str, bytes: &[u8]) {
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes).into());
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence(&array) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let document = web_sys::window().and_then(|w| w.document());
    if let Some(anchor) =
        document.and_then(|d| d.create_element("a").ok()).and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
