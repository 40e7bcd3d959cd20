//! The command line every devnet binary reads, through `lexopt`: `--flag VALUE` or
//! `--flag=VALUE`, `-h`/`--help`, and errors that name the flag and what it expects.
//!
//! Each binary keeps its own flags and help text; this module keeps how a value is read
//! and how a mistake is said, so the five binaries answer a typo the same way.

use std::str::FromStr;

pub use lexopt::prelude::*;
pub use lexopt::{Arg, Parser};

/// The next argument; `Err` when the command line cannot be read (a value where a flag
/// should be, say).
pub fn next(parser: &mut Parser) -> Result<Option<Arg<'_>>, String> {
    parser.next().map_err(|e| e.to_string())
}

/// The value that follows `flag`, as text.
pub fn text(parser: &mut Parser, flag: &str) -> Result<String, String> {
    let value = parser.value().map_err(|_| format!("{flag} needs a value"))?;
    value.into_string().map_err(|v| format!("{flag} {v:?}: expected text, not raw bytes"))
}

/// The value that follows `flag`, parsed; a value that does not parse says what `flag`
/// expects.
pub fn value<T: FromStr>(parser: &mut Parser, flag: &str, expected: &str) -> Result<T, String> {
    let text = text(parser, flag)?;
    text.trim().parse().map_err(|_| format!("{flag} {text:?}: expected {expected}"))
}

/// An argument no binary flag matched.
pub fn unexpected(arg: Arg<'_>) -> String {
    let shown = match arg {
        Arg::Short(c) => format!("-{c}"),
        Arg::Long(name) => format!("--{name}"),
        Arg::Value(v) => v.to_string_lossy().into_owned(),
    };
    format!("unknown argument {shown:?}")
}

/// A flag that has no default.
pub fn required<T>(value: Option<T>, flag: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("{flag} is required"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<(Option<u16>, Option<String>, bool), String> {
        let mut p = Parser::from_args(args.iter().copied());
        let (mut port, mut name, mut help) = (None, None, false);
        while let Some(arg) = next(&mut p)? {
            match arg {
                Short('h') | Long("help") => help = true,
                Long("port") => port = Some(value(&mut p, "--port", "a port number")?),
                Long("name") => name = Some(text(&mut p, "--name")?),
                other => return Err(unexpected(other)),
            }
        }
        Ok((port, name, help))
    }

    #[test]
    fn values_come_spaced_or_joined() {
        assert_eq!(parse(&["--port", "9", "--name=x"]).unwrap(), (Some(9), Some("x".into()), false));
        assert_eq!(parse(&["--port=0", "-h"]).unwrap(), (Some(0), None, true));
    }

    #[test]
    fn mistakes_name_the_flag_and_what_it_expects() {
        assert_eq!(parse(&["--port", "x"]).unwrap_err(), r#"--port "x": expected a port number"#);
        assert_eq!(parse(&["--port"]).unwrap_err(), "--port needs a value");
        assert_eq!(parse(&["--nope", "1"]).unwrap_err(), r#"unknown argument "--nope""#);
        assert_eq!(parse(&["stray"]).unwrap_err(), r#"unknown argument "stray""#);
        assert_eq!(required(None::<u8>, "--rpc").unwrap_err(), "--rpc is required");
    }
}
