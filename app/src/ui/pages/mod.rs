//! One module per screen. Pages call services (`wallet`, `chain`) through `AppState`;
//! they hold only form state of their own.

pub mod activity;
pub mod agents;
pub mod compute;
pub mod governance;
pub mod onboarding;
pub mod send;
pub mod settings;
pub mod staking;
pub mod storage;
pub mod unlock;
pub mod wallet;
