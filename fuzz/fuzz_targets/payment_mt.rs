#![no_main]

use libfuzzer_sys::fuzz_target;
use sanctum_fuzzing::{Target, run};

fuzz_target!(|data: &[u8]| run(Target::PaymentMt, data));
