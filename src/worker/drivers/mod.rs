//! Storage drivers behind [`super::driver::ShareDriver`].

pub mod simulated;
