fn main() -> std::process::ExitCode {
    bulletin::cli::main()
}
