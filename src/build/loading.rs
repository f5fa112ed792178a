//! The theme loading beside the first steps of a build (`Loading`): its
//! templates compiled on a thread of its own while the output and cache
//! folders are opened and the site is discovered.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::render::Theme;

/// The theme loading on a thread of its own from the start of a build
/// (`Theme::load`), with the diagnostics it makes.
pub(super) struct Loading(std::thread::JoinHandle<(Result<Theme, Diagnostic>, Vec<Diagnostic>)>);

impl Loading {
    pub(super) fn start(config: &Config) -> Loading {
        let config = config.clone();
        Loading(std::thread::spawn(move || {
            let mut diags = Vec::new();
            let theme = Theme::load(&config, &mut diags);
            (theme, diags)
        }))
    }

    /// The theme, its diagnostics put before `diags` (those of the steps
    /// after loading it); when it does not load, its own diagnostics and
    /// error alone, as when it loaded first.
    pub(super) fn wait(self, diags: &mut Vec<Diagnostic>) -> Result<Theme, Vec<Diagnostic>> {
        let (theme, mut own) = self.join();
        match theme {
            Ok(t) => {
                diags.splice(0..0, own);
                Ok(t)
            }
            Err(d) => {
                own.push(d);
                Err(own)
            }
        }
    }

    /// What a build stopped by `diags` reports: the theme's error instead
    /// when it does not load either (it was found first when the theme
    /// loaded first), else `diags` after the theme's own.
    pub(super) fn failed(self, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut diags = diags;
        match self.wait(&mut diags) {
            Ok(_) => diags,
            Err(own) => own,
        }
    }

    fn join(self) -> (Result<Theme, Diagnostic>, Vec<Diagnostic>) {
        self.0.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
    }
}
