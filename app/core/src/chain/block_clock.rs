//! When a block yet to come will be made, in wall-clock time, for deadlines the chain counts
//! in blocks (a proposal's voting end). The pace is measured from two verified headers'
//! timestamps rather than taken from a nominal block time: 0G's pace varies with load, and
//! a devnet's is whatever it was started with. It is an estimate, and the page says "about".

/// The chain's pace between two verified headers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockClock {
    /// The newer header's number and timestamp (Unix seconds).
    pub number: u64,
    pub timestamp: u64,
    pub secs_per_block: f64,
}

impl BlockClock {
    /// The pace from `(number, timestamp)` of the tip and of an earlier header; `None` when
    /// they give none (the same block, or a clock that did not move forward).
    pub fn measure(tip: (u64, u64), earlier: (u64, u64)) -> Option<Self> {
        let (blocks, secs) = (tip.0.checked_sub(earlier.0)?, tip.1.checked_sub(earlier.1)?);
        (blocks > 0 && secs > 0).then(|| Self {
            number: tip.0,
            timestamp: tip.1,
            secs_per_block: secs as f64 / blocks as f64,
        })
    }

    /// When `block` is expected (Unix seconds), at the measured pace; a block already made
    /// is placed as far back.
    pub fn eta(&self, block: u64) -> u64 {
        let offset = (block as f64 - self.number as f64) * self.secs_per_block;
        (self.timestamp as f64 + offset).round().max(0.0) as u64
    }
}

/// Whole minutes from `now` to `at`, rounded up (a deadline is never said to be sooner than
/// it is); `None` once it has passed.
pub fn minutes_until(now: u64, at: u64) -> Option<u64> {
    (at > now).then(|| (at - now).div_ceil(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_future_block_is_placed_at_the_measured_pace() {
        // 200 blocks in 80 s: 0.4 s a block, 0G's pace.
        let clock = BlockClock::measure((1_000, 10_400), (800, 10_320)).unwrap();
        assert_eq!(clock.secs_per_block, 0.4);
        assert_eq!(clock.eta(1_100), 10_440);
        assert_eq!(clock.eta(1_000), 10_400);
        assert_eq!(clock.eta(900), 10_360, "a block already made is placed back at the same pace");
        // A slower chain: 2 s a block.
        let slow = BlockClock::measure((50, 1_100), (0, 1_000)).unwrap();
        assert_eq!(slow.eta(80), 1_160);
    }

    #[test]
    fn no_pace_is_made_up_from_headers_that_give_none() {
        assert_eq!(BlockClock::measure((10, 500), (10, 400)), None, "the same block");
        assert_eq!(BlockClock::measure((10, 500), (5, 500)), None, "time did not move");
        assert_eq!(BlockClock::measure((10, 500), (12, 400)), None, "the earlier header is newer");
        assert_eq!(BlockClock::measure((10, 400), (5, 500)), None, "time went backwards");
    }

    #[test]
    fn minutes_left_round_up_and_stop_at_the_deadline() {
        assert_eq!(minutes_until(1_000, 1_001), Some(1));
        assert_eq!(minutes_until(1_000, 1_060), Some(1));
        assert_eq!(minutes_until(1_000, 1_061), Some(2));
        assert_eq!(minutes_until(1_000, 1_000), None);
        assert_eq!(minutes_until(1_000, 900), None);
    }
}
