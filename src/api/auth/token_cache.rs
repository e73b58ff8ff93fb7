//! Keeps Keystone off the hot path: what Keystone said about a token
//! (valid, with whose identity, or not valid) is remembered for a while,
//! as keystonemiddleware's in-process cache does. Bounded, so a flood of
//! garbage tokens costs a fixed amount of memory.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What Keystone answered about one token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict<T> {
    Valid(T),
    /// Keystone did not know it (or it had expired); tokens never become
    /// valid again, so remembering the refusal is safe.
    Invalid,
}

struct Entry<T> {
    verdict: Verdict<T>,
    until: Instant,
}

struct Entries<T> {
    by_token: HashMap<String, Entry<T>>,
    /// Tokens in insertion order, for evicting the oldest.
    order: VecDeque<String>,
}

pub struct TokenCache<T> {
    ttl: Duration,
    capacity: usize,
    entries: Mutex<Entries<T>>,
}

impl<T: Clone> TokenCache<T> {
    pub fn new(ttl: Duration, capacity: usize) -> TokenCache<T> {
        TokenCache {
            ttl,
            capacity,
            entries: Mutex::new(Entries {
                by_token: HashMap::new(),
                order: VecDeque::new(),
            }),
        }
    }

    /// The remembered verdict, unless it has aged out by `now`.
    pub fn get(&self, token: &str, now: Instant) -> Option<Verdict<T>> {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries
            .by_token
            .get(token)
            .filter(|entry| entry.until > now)
            .map(|entry| entry.verdict.clone())
    }

    /// Remembers a verdict for the cache's time to live, but never past
    /// `expires_in` (the token's own remaining life).
    pub fn put(&self, token: &str, verdict: Verdict<T>, expires_in: Option<Duration>, now: Instant) {
        let life = expires_in.map_or(self.ttl, |left| left.min(self.ttl));
        if life.is_zero() || self.capacity == 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entries = &mut *entries;
        if entries.by_token.len() >= self.capacity && !entries.by_token.contains_key(token) {
            entries.by_token.retain(|_, entry| entry.until > now);
            entries.order.retain(|known| entries.by_token.contains_key(known));
            while entries.by_token.len() >= self.capacity {
                match entries.order.pop_front() {
                    Some(oldest) => entries.by_token.remove(&oldest),
                    None => break,
                };
            }
        }
        let entry = Entry {
            verdict,
            until: now + life,
        };
        if entries.by_token.insert(token.to_string(), entry).is_none() {
            entries.order.push_back(token.to_string());
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().unwrap().by_token.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn remembers_both_verdicts_for_the_time_to_live() {
        let cache = TokenCache::new(MINUTE, 10);
        let now = Instant::now();
        cache.put("good", Verdict::Valid("alice"), None, now);
        cache.put("bad", Verdict::Invalid, None, now);
        assert_eq!(cache.get("good", now + MINUTE / 2), Some(Verdict::Valid("alice")));
        assert_eq!(cache.get("bad", now + MINUTE / 2), Some(Verdict::Invalid));
        assert_eq!(cache.get("good", now + MINUTE), None);
        assert_eq!(cache.get("unknown", now), None);
    }

    #[test]
    fn never_outlives_the_token() {
        let cache = TokenCache::new(MINUTE, 10);
        let now = Instant::now();
        cache.put("short", Verdict::Valid(1), Some(Duration::from_secs(5)), now);
        assert_eq!(
            cache.get("short", now + Duration::from_secs(4)),
            Some(Verdict::Valid(1))
        );
        assert_eq!(cache.get("short", now + Duration::from_secs(5)), None);
        cache.put("expired", Verdict::Valid(2), Some(Duration::ZERO), now);
        assert_eq!(cache.get("expired", now), None);
    }

    #[test]
    fn stays_within_its_capacity_dropping_expired_then_oldest() {
        let cache = TokenCache::new(MINUTE, 3);
        let now = Instant::now();
        cache.put("a", Verdict::Invalid, Some(Duration::from_secs(1)), now);
        cache.put("b", Verdict::Invalid, None, now);
        cache.put("c", Verdict::Invalid, None, now);
        let later = now + Duration::from_secs(2);
        cache.put("d", Verdict::<()>::Invalid, None, later);
        assert_eq!(cache.len(), 3, "the expired entry made room");
        assert!(cache.get("b", later).is_some());
        cache.put("e", Verdict::Invalid, None, later);
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get("b", later), None, "the oldest live entry went");
        assert!(cache.get("c", later).is_some() && cache.get("e", later).is_some());
        for n in 0..100 {
            cache.put(&format!("flood{n}"), Verdict::Invalid, None, later);
        }
        assert_eq!(cache.len(), 3);
    }

    #[test]
    fn replacing_a_token_keeps_one_entry() {
        let cache = TokenCache::new(MINUTE, 2);
        let now = Instant::now();
        cache.put("a", Verdict::Valid(1), None, now);
        cache.put("a", Verdict::Valid(2), None, now);
        cache.put("b", Verdict::Valid(3), None, now);
        assert_eq!(cache.get("a", now), Some(Verdict::Valid(2)));
        assert_eq!(cache.len(), 2);
    }
}
