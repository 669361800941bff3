/**
 * The {@code qcat} command-line tool (DESIGN.md §6): git-style subcommands on picocli that parse
 * options, call the engine ({@code model/}, {@code scoring/}, {@code io/}, {@code hub/}) and print.
 * No model, scoring or file-format logic lives here. Exit codes: 0 success, 2 bad usage, 1 failure,
 * with the reason on stderr.
 */
package dev.qcat.inference.cli;
