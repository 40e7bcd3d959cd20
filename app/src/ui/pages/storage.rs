//! The Storage page: upload a file to 0G Storage (drag and drop), see its root, fee and
//! progress; the uploads list with resume, download and audit; download by root.

use std::rc::Rc;

use alloy_primitives::B256;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_light_client::storage::{num_segments, FileTree};

use crate::format::{format_0g, short_hash};
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::storage::discovery::TransferPath;
use crate::storage::plan::Placement;
use crate::storage::records::{self, UploadRecord};
use crate::storage::service::{AuditCheck, Fault, Progress, Quote, StorageService};
use crate::storage::source::FileSource;
use crate::ui::components::{node_words_apart, ErrorAlert, Spinner};
use crate::ui::lang::{fill, Localized};
use crate::ui::state::{use_app, AppState};
use leptos_i18n::I18nContext;

/// The storage service for the connected network, shared by the page's cards.
type Service = StoredValue<Option<Rc<StorageService>>, LocalStorage>;

#[component]
pub fn StoragePage() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let service: Service = StoredValue::new_local(None);
    let status = RwSignal::new(None::<Result<(), String>>);
    let uploads = RwSignal::new(Vec::<UploadRecord>::new());
    let path = RwSignal::new(None::<TransferPath>);
    let reload = move || reload_uploads(app, uploads);

    let locale = i18n.get_locale_untracked();
    spawn_local(async move {
        let config = app.chain.network().and_then(|n| n.storage);
        match StorageService::connect(config).await {
            Ok(s) => {
                path.set(s.path());
                service.set_value(Some(Rc::new(s)));
                status.set(Some(Ok(())));
            }
            Err(e) => status.set(Some(Err(e.localized(locale)))),
        }
        reload();
    });

    view! {
        <h1 class="page-title">{t!(i18n, storage.title)}</h1>
        <div class="stack">
            {move || match status.get() {
                None => view! { <p class="muted"><Spinner />" "{t!(i18n, storage.connecting)}</p> }.into_any(),
                Some(Ok(())) => view! {
                    <p class="muted" data-testid="storage-nodes">{move || service.get_value().map(|s| connection_text(i18n, &s)).unwrap_or_default()}</p>
                    <p data-testid="storage-path">{move || path.get().map(|p| fill(t_string!(i18n, storage.transfers_go), &[("path", &path_words(i18n, &p))]))
                        .unwrap_or_else(|| t_string!(i18n, storage.no_path).to_string())}</p>
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
fn connection_text(i18n: I18nContext<Locale>, s: &StorageService) -> String {
    let shards = s
        .nodes()
        .iter()
        .map(|n| {
            fill(
                t_string!(i18n, storage.shard),
                &[("host", &host(&n.url)), ("id", &n.shard.shard_id), ("count", &n.shard.num_shard)],
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut text = if shards.is_empty() {
        t_string!(i18n, storage.no_nodes).to_string()
    } else {
        fill(t_string!(i18n, storage.nodes), &[("nodes", &shards)])
    };
    let notes = s.notes();
    if !notes.is_empty() {
        let locale = i18n.get_locale();
        let notes = notes.iter().map(|n| n.localized(locale)).collect::<Vec<_>>().join("; ");
        text.push_str(&fill(t_string!(i18n, storage.left_out), &[("notes", &notes)]));
    }
    text
}

/// The nodes or routes a download went on without, in the page's language.
fn faults_text(locale: Locale, faults: &[Fault]) -> String {
    faults.iter().map(|f| f.localized(locale)).collect::<Vec<_>>().join("; ")
}

/// How a transfer went, in the page's language (the words of `TransferPath`'s `Display`).
fn path_words(i18n: I18nContext<Locale>, path: &TransferPath) -> String {
    match path {
        TransferPath::Direct { nodes: 1, .. } => t_string!(i18n, storage.path_direct_one).to_string(),
        TransferPath::Direct { nodes, replica: 1 } => fill(t_string!(i18n, storage.path_direct), &[("nodes", nodes)]),
        TransferPath::Direct { nodes, replica } => {
            fill(t_string!(i18n, storage.path_direct_copies), &[("nodes", nodes), ("replica", replica)])
        }
        TransferPath::Gateway { host } => fill(t_string!(i18n, storage.path_gateway), &[("host", host)]),
    }
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
    Finished { name: String, root: B256, path: TransferPath },
}

/// The upload's steps, as shown above its progress.
fn steps(i18n: I18nContext<Locale>) -> [&'static str; 4] {
    [
        t_string!(i18n, storage.hash),
        t_string!(i18n, storage.step_pay),
        t_string!(i18n, storage.step_nodes),
        t_string!(i18n, storage.step_upload),
    ]
}

#[component]
fn UploadCard(service: Service, uploads: RwSignal<Vec<UploadRecord>>, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let state = RwSignal::new_local(Upload::Empty);
    let error = RwSignal::new(None::<String>);
    let dragging = RwSignal::new(false);

    let pick = move |file: web_sys::File| {
        let Some(svc) = service.get_value() else {
            return error.set(Some(t_string!(i18n, storage.not_connected_yet).to_string()));
        };
        let Some(chain) = app.chain.client() else {
            return error.set(Some(t_string!(i18n, storage.no_network).to_string()));
        };
        error.set(None);
        let source = FileSource::new(file);
        if source.size == 0 {
            return error.set(Some(t_string!(i18n, storage.empty_file).to_string()));
        }
        state.set(Upload::Hashing { name: source.name.clone(), done: 0, total: source.size });
        let locale = i18n.get_locale_untracked();
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
                    return error.set(Some(e.localized(locale)));
                }
            };
            let resume = uploads.get_untracked().into_iter().find(|r| r.root == tree.root()).map(Box::new);
            let quote = svc.quote(&chain, &tree).await.map_err(|e| e.localized(locale));
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
        let locale = i18n.get_locale_untracked();
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
                    running(1, &fill(t_string!(i18n, storage.paying), &[("fee", &format_0g(quote.fee))]), 0);
                    let submitted = svc.submit(&chain, &key, &tree, &quote).await?;
                    record.tx_hash = Some(submitted.tx_hash);
                    record.submitted_block = Some(submitted.block);
                    record.start_entry = Some(submitted.placement.start_entry);
                    records::save(&record).await.map_err(crate::storage::service::StorageError::record)?;
                    reload.run(());
                }
                running(2, t_string!(i18n, storage.waiting_nodes), record.acknowledged.len() as u64);
                svc.wait_until_known(root).await?;
                let on_progress = running.clone();
                let progress = move |p: Progress| {
                    if let Progress::Uploading { done, .. } = p {
                        on_progress(3, t_string!(i18n, storage.uploading), done);
                    }
                };
                running(3, t_string!(i18n, storage.uploading), record.acknowledged.len() as u64);
                svc.upload(&source, &tree, &mut record, &progress).await
            }
            .await;
            drop(key);
            reload.run(());
            match result {
                Ok(path) => {
                    app.toasts.success(&fill(t_string!(i18n, storage.stored_toast), &[("name", &source.name)]));
                    state.set(Upload::Finished { name: source.name.clone(), root, path });
                }
                Err(e) => {
                    error.set(Some(e.localized(locale)));
                    state.set(Upload::Ready { source, tree, quote: Ok(quote), resume: Some(Box::new(record)) });
                }
            }
        });
    };

    view! {
        <section class="card stack" aria-label=move || t_string!(i18n, storage.upload_label)>
            <h2 class="card-title">{t!(i18n, storage.upload_title)}</h2>
            <label class="dropzone" class:dragging=move || dragging.get()
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop>
                <input type="file" class="sr-only" aria-label=move || t_string!(i18n, storage.file_input) on:change=on_input />
                <span class="dropzone-title">{t!(i18n, storage.drop_title)}</span>
                <span class="hint">{t!(i18n, storage.drop_hint)}</span>
            </label>
            <ErrorAlert message=error />
            {move || match state.get() {
                Upload::Empty => ().into_any(),
                Upload::Hashing { name, done, total } => view! {
                    <div class="stack">
                        <p>{fill(t_string!(i18n, storage.hashing_file), &[("name", &name)])}</p>
                        <ProgressBar done total label={t_string!(i18n, storage.hashing)} />
                    </div>
                }.into_any(),
                Upload::Ready { source, tree, quote, resume } => {
                    let resuming = resume.as_ref().is_some_and(|r| r.submitted_block.is_some());
                    view! {
                        <dl class="kv">
                            <dt>{t!(i18n, storage.file)}</dt><dd>{source.name.clone()}" · "{human_size(source.size)}</dd>
                            <dt>{t!(i18n, storage.root)}</dt><dd class="mono" data-testid="upload-root">{tree.root().to_string()}</dd>
                            <dt>{t!(i18n, storage.segments)}</dt><dd>{num_segments(tree.size())}</dd>
                            <dt>{t!(i18n, storage.hash)}</dt><dd data-testid="hash-path">{move || crate::storage::hashing::last_path().map(|p| p.localized(i18n.get_locale())).unwrap_or_default()}</dd>
                            <dt>{t!(i18n, storage.fee)}</dt>
                            <dd data-testid="upload-fee">{match &quote {
                                Ok(q) if resuming => fill(t_string!(i18n, storage.already_paid), &[("fee", &format_0g(q.fee))]),
                                Ok(q) => fill(
                                    t_string!(i18n, storage.fee_detail),
                                    &[("fee", &format_0g(q.fee)), ("sectors", &q.sectors), ("price", &q.price_per_sector), ("block", &q.block)],
                                ),
                                Err(e) => fill(t_string!(i18n, storage.fee_unavailable), &[("error", e)]),
                            }}</dd>
                        </dl>
                        <div class="row">
                            <span class="spacer"></span>
                            <button class="btn btn-primary" on:click=start disabled=quote.is_err()>
                                {if resuming { t_string!(i18n, storage.resume).to_string() } else {
                                    fill(t_string!(i18n, storage.pay_upload), &[("fee", &quote.as_ref().map(|q| format_0g(q.fee)).unwrap_or_default())])
                                }}
                            </button>
                        </div>
                    }.into_any()
                }
                Upload::Running { name, root, step, detail, done, total } => view! {
                    <div class="stack" data-testid="upload-progress">
                        <p>{name}" · "<span class="mono">{short_hash(&root.to_string())}</span></p>
                        <ol class="steps">
                            {steps(i18n).iter().enumerate().map(|(i, s)| {
                                let class = if i < step { "step done" } else if i == step { "step current" } else { "step" };
                                view! { <li class=class>{*s}</li> }
                            }).collect_view()}
                        </ol>
                        <p class="muted" role="status">{detail}</p>
                        <ProgressBar done total label={t_string!(i18n, storage.segments_uploaded)} />
                    </div>
                }.into_any(),
                Upload::Finished { name, root, path } => view! {
                    <div class="tx-status" data-state="confirmed" role="status" data-testid="upload-status">
                        {fill(t_string!(i18n, storage.stored), &[("name", &name), ("path", &path_words(i18n, &path)), ("root", &root)])}
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ProgressBar(done: u64, total: u64, label: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let pct = (done * 100).checked_div(total).unwrap_or(100).min(100);
    view! {
        <div class="progress" role="progressbar" aria-label=label aria-valuemin="0" aria-valuemax="100" aria-valuenow=pct.to_string()>
            <div class="progress-bar" style=format!("width:{pct}%")></div>
        </div>
        <span class="hint">{move || fill(t_string!(i18n, storage.progress_of), &[("done", &done), ("total", &total)])}</span>
    }
}

#[component]
fn UploadsCard(service: Service, uploads: RwSignal<Vec<UploadRecord>>, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    view! {
        <section class="card stack" aria-label=move || t_string!(i18n, storage.uploads_label)>
            <h2 class="card-title">{t!(i18n, storage.uploads_title)}</h2>
            {move || {
                let list = uploads.get();
                if list.is_empty() {
                    return view! { <p class="muted">{t!(i18n, storage.no_uploads)}</p> }.into_any();
                }
                view! {
                    <ul class="upload-list" data-testid="uploads-list">
                        {list.into_iter().map(|r| view! { <UploadRow record=r service reload /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {move || app.chain.network().is_none().then(|| view! { <p class="muted">{t!(i18n, storage.connect_first)}</p> })}
        </section>
    }
}

#[component]
fn UploadRow(record: UploadRecord, service: Service, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let result = RwSignal::new(None::<Result<String, String>>);
    let audit_rows = RwSignal::new(Vec::<AuditCheck>::new());
    let root = record.root;
    let size = record.size;
    let name = record.name.clone();
    let complete = record.complete();
    let at = Placement { start_entry: record.start_entry.unwrap_or_default() };
    let network = record.network.clone();
    let acknowledged = record.acknowledged.len();
    let segments = record.segments;
    let paid = record.submitted_block.is_some();
    let status = move || {
        if complete {
            t_string!(i18n, storage.row_stored).to_string()
        } else if paid {
            fill(t_string!(i18n, storage.row_partial), &[("done", &acknowledged), ("total", &segments)])
        } else {
            t_string!(i18n, storage.row_unpaid).to_string()
        }
    };

    let download = move |_| {
        let Some(svc) = service.get_value() else { return };
        let name = name.clone();
        busy.set(true);
        result.set(None);
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let progress = |_p: Progress| {};
            match svc.download(root, size, at, &progress).await {
                Ok(d) => {
                    let how = path_words(i18n, &d.path);
                    let verified = match &d.path {
                        TransferPath::Direct { .. } => {
                            fill(t_string!(i18n, storage.downloaded_direct), &[("name", &name), ("path", &how)])
                        }
                        TransferPath::Gateway { .. } => {
                            fill(t_string!(i18n, storage.downloaded_gateway), &[("name", &name), ("path", &how)])
                        }
                    };
                    let text = if d.faults.is_empty() {
                        verified
                    } else {
                        verified
                            + &fill(t_string!(i18n, storage.skipped), &[("faults", &faults_text(locale, &d.faults))])
                    };
                    save_to_disk(&name, &d.bytes);
                    result.set(Some(Ok(text)));
                }
                Err(e) => result.set(Some(Err(e.localized(locale)))),
            }
            busy.set(false);
        });
    };
    let audit = move |_| {
        let Some(svc) = service.get_value() else { return };
        busy.set(true);
        result.set(None);
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            match svc.audit(root, size, at, 8).await {
                Ok(checks) => {
                    let ok = checks.iter().filter(|c| c.failure.is_none()).count();
                    let text = fill(t_string!(i18n, storage.audit_result), &[("ok", &ok), ("total", &checks.len())]);
                    result.set(Some(if ok == checks.len() { Ok(text) } else { Err(text) }));
                    audit_rows.set(checks);
                }
                Err(e) => result.set(Some(Err(e.localized(locale)))),
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
                <button class="btn btn-secondary btn-sm" on:click=download disabled=move || busy.get() || !complete>{t!(i18n, storage.download)}</button>
                <button class="btn btn-secondary btn-sm" on:click=audit disabled=move || busy.get() || !complete>{t!(i18n, storage.audit)}</button>
                <button class="btn btn-ghost btn-sm" on:click=remove disabled=move || busy.get()>{t!(i18n, storage.forget)}</button>
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
                            <li>{fill(t_string!(i18n, storage.audit_segment), &[("segment", &c.segment), ("node", &host(&c.node))])}
                                {match c.failure { None => t_string!(i18n, storage.valid_proof).to_string(), Some(f) => f.localized(i18n.get_locale()) }}</li>
                        }).collect_view()}
                    </ul>
                })
            }}
        </li>
    }
}

#[component]
fn DownloadCard(service: Service) -> impl IntoView {
    let i18n = use_i18n();
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
            return error.set(Some(t_string!(i18n, storage.bad_root).to_string()));
        };
        let given = size.get_untracked();
        let given = given.trim();
        let s = if given.is_empty() {
            None
        } else {
            match given.parse::<u64>() {
                Ok(s) => Some(s),
                Err(_) => return error.set(Some(t_string!(i18n, storage.bad_size).to_string())),
            }
        };
        let Some(svc) = service.get_value() else {
            return error.set(Some(t_string!(i18n, storage.not_connected).to_string()));
        };
        busy.set(true);
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let located = svc.locate(r).await;
            let result = match located {
                Ok((at, reported)) => svc.download(r, s.unwrap_or(reported), at, &|_| {}).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(d) => {
                    save_to_disk(&format!("{r}.bin"), &d.bytes);
                    let mut text = fill(
                        t_string!(i18n, storage.downloaded),
                        &[("bytes", &d.bytes.len()), ("path", &path_words(i18n, &d.path)), ("root", &r)],
                    );
                    if !d.faults.is_empty() {
                        text.push_str(&fill(
                            t_string!(i18n, storage.skipped),
                            &[("faults", &faults_text(locale, &d.faults))],
                        ));
                    }
                    done.set(Some(text));
                }
                Err(e) => error.set(Some(e.localized(locale))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="card stack" aria-label=move || t_string!(i18n, storage.by_root) on:submit=submit>
            <h2 class="card-title">{t!(i18n, storage.by_root)}</h2>
            <p class="muted">{t!(i18n, storage.by_root_intro)}</p>
            <div class="grid-2">
                <div class="field"><label for="dl-root">{t!(i18n, storage.file_root)}</label><input id="dl-root" class="mono" bind:value=root /></div>
                <div class="field"><label for="dl-size">{t!(i18n, storage.size_optional)}</label><input id="dl-size" inputmode="numeric" bind:value=size /></div>
            </div>
            <ErrorAlert message=error />
            {move || done.get().map(|t| view! { <p class="tx-status" data-state="confirmed" role="status">{t}</p> })}
            <div class="row"><span class="spacer"></span>
                <button type="submit" class="btn btn-secondary" disabled=move || busy.get()>{t!(i18n, storage.download)}</button>
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
