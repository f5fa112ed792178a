//! A depth limit for theme macros and includes. Tera has none: a macro that
//! calls itself (or a template that includes itself) without end overflows
//! the stack and aborts the process. `install` puts a call to a guard
//! function at the start of every macro body and every template (in the
//! parsed templates, so whitespace control is unchanged); the guard measures
//! how much stack the current render has used since `Theme::render` began
//! and fails the render, naming the macro or template, past a budget well
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

/// Registers the guard and calls it at the start of every macro and of
/// every template (a template that includes itself recurses the same way).
pub fn install(tera: &mut Tera) {
    tera.register_function(GUARD, guard);
    for (tname, t) in tera.templates.iter_mut() {
        for (mname, m) in t.macros.iter_mut() {
            m.body.insert(0, guard_node(tname, Some(mname)));
        }
        // Nodes outside blocks of a template that extends another are not
        // rendered: the guard is inert there.
        t.ast.insert(0, guard_node(tname, None));
    }
}

fn guard_node(template: &str, mac: Option<&str>) -> Node {
    let mut args = HashMap::new();
    args.insert("template".to_string(), Expr::new(ExprVal::String(template.to_string())));
    if let Some(m) = mac {
        args.insert("macro".to_string(), Expr::new(ExprVal::String(m.to_string())));
    }
    let call = FunctionCall {
        name: GUARD.to_string(),
        args,
    };
    Node::VariableBlock(WS::default(), Expr::new(ExprVal::FunctionCall(call)))
}

fn guard(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let base = BASE.with(Cell::get);
    if base != 0 && base.abs_diff(stack_here()) > BUDGET {
        let name = |k: &str| args.get(k).and_then(Value::as_str).map(str::to_string);
        let template = name("template").unwrap_or_default();
        let what = match name("macro") {
            Some(m) => format!(
                "macro `{m}` in {template} nests too deep: it calls itself without end, or through another macro"
            ),
            None => format!(
                "template {template} nests too deep: it includes itself without end, or through another template"
            ),
        };
        return Err(tera::Error::msg(format!(
            "{what} (more than {} KiB of stack)",
            BUDGET / 1024
        )));
    }
    Ok(Value::String(String::new()))
}
