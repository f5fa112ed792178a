//! A depth limit for theme macros. Tera has none: a macro that calls itself
//! without end overflows the stack and aborts the process. `install` puts a
//! call to a guard function at the start of every macro body (in the parsed
//! templates, so whitespace control is unchanged); the guard measures how
//! much stack the current render has used since `Theme::render` began and
//! fails the render, naming the macro and its template, past a budget well
//! inside a thread's stack.

use serde_json::Value;
use std::cell::Cell;
use std::collections::HashMap;
use tera::ast::{Expr, ExprVal, FunctionCall, Node, WS};
use tera::Tera;

const GUARD: &str = "__polydoc_macro_guard";

/// Stack a render may use. Rayon's worker threads have 2 MiB (Rust's
/// default); a sidebar macro nested 20 levels uses a small part of this.
const BUDGET: usize = 1024 * 1024;

thread_local! {
    /// The stack address where the current render began (0: none).
    static BASE: Cell<usize> = const { Cell::new(0) };
}

fn stack_here() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Marks the start of a render on this thread; the mark is removed when the
/// returned value is dropped.
pub fn enter() -> Entered {
    let prev = BASE.with(|b| b.replace(stack_here()));
    Entered { prev }
}

pub struct Entered {
    prev: usize,
}

impl Drop for Entered {
    fn drop(&mut self) {
        BASE.with(|b| b.set(self.prev));
    }
}

/// Registers the guard and calls it at the start of every macro.
pub fn install(tera: &mut Tera) {
    tera.register_function(GUARD, guard);
    for (tname, t) in tera.templates.iter_mut() {
        for (mname, m) in t.macros.iter_mut() {
            let mut args = HashMap::new();
            args.insert("macro".to_string(), Expr::new(ExprVal::String(mname.clone())));
            args.insert("template".to_string(), Expr::new(ExprVal::String(tname.clone())));
            let call = FunctionCall {
                name: GUARD.to_string(),
                args,
            };
            m.body.insert(
                0,
                Node::VariableBlock(WS::default(), Expr::new(ExprVal::FunctionCall(call))),
            );
        }
    }
}

fn guard(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let base = BASE.with(Cell::get);
    if base != 0 && base.abs_diff(stack_here()) > BUDGET {
        let name = |k: &str| args.get(k).and_then(Value::as_str).unwrap_or("?").to_string();
        return Err(tera::Error::msg(format!(
            "macro `{}` in {} nests too deep (more than {} KiB of stack): it calls itself without end, or through another macro",
            name("macro"),
            name("template"),
            BUDGET / 1024
        )));
    }
    Ok(Value::String(String::new()))
}
