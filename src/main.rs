use clap::Parser;

fn main() {
    let cli = statusd::cli::Cli::parse();
    std::process::exit(statusd::cli::main(cli));
}
