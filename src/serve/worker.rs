//! The site-wide files `serve` makes once edits pause (the translation
//! status pages, the search index files), made on a thread of their own
//! from copies of what they need (configuration, theme, the statuses, the
//! analysed search pages): an edit saved meanwhile is not kept waiting
//! behind hundreds of milliseconds of rendering and compression. Results
//! come back in the order the work was handed over; each carries the
//! generation of the site files it was made from, so one that a rebuild of
//! the whole site has overtaken is dropped, not written over newer files.

use crate::diagnostics::Diagnostic;
use crate::output::OutFile;
use std::sync::mpsc;

/// Files made and the diagnostics that came with them.
pub type Made = (Vec<OutFile>, Vec<Diagnostic>);
type Task = Box<dyn FnOnce() -> Made + Send>;

pub struct Worker {
    tasks: mpsc::Sender<(u64, Task)>,
    done: mpsc::Receiver<(u64, Made)>,
    in_flight: usize,
}

impl Default for Worker {
    fn default() -> Worker {
        let (tasks, todo) = mpsc::channel::<(u64, Task)>();
        let (finished, done) = mpsc::channel();
        std::thread::spawn(move || {
            // A pool of its own: the work's parallel loops must not take
            // the threads an edit's rendering needs (a job on the shared
            // pool runs to its end before the edit's can start).
            let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().ok();
            for (generation, task) in todo {
                let made = match &pool {
                    Some(pool) => pool.install(task),
                    None => task(),
                };
                if finished.send((generation, made)).is_err() {
                    break;
                }
            }
        });
        Worker {
            tasks,
            done,
            in_flight: 0,
        }
    }
}

impl Worker {
    /// Hands `task` over, made from the site files of `generation`.
    pub fn send(&mut self, generation: u64, task: impl FnOnce() -> Made + Send + 'static) {
        if self.tasks.send((generation, Box::new(task))).is_ok() {
            self.in_flight += 1;
        }
    }

    /// Whether work handed over has not come back yet.
    pub fn busy(&self) -> bool {
        self.in_flight > 0
    }

    /// The results ready, in order, with their generations.
    pub fn take(&mut self) -> Vec<(u64, Made)> {
        let mut out = Vec::new();
        while let Ok(r) = self.done.try_recv() {
            self.in_flight -= 1;
            out.push(r);
        }
        out
    }
}
