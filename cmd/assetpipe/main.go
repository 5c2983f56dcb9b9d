// Command assetpipe turns a folder of web assets into a fingerprinted,
// CDN-ready release. This package only parses flags and prints; the work
// is in the build, manifest and publish packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError is a mistake in the command line rather than a failure of
// the work: it exits 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "assetpipe: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "Run 'assetpipe --help' for usage.")
		return exitUsage
	}
	return exitFailure
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "assetpipe",
		Short: "Fingerprint, compress and publish web assets",
		Long: `assetpipe turns a folder of web assets into a fingerprinted, CDN-ready
release: content-hashed names, rewritten references between files, esbuild
bundles, and manifests for Django (staticfiles.json), Vite and itself.

Configuration is read from ./assetpipe.yaml when it exists (or -c FILE);
flags override it.`,
		Version:       version(),
		Args:          usageArgs(cobra.NoArgs),
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.CompletionOptions.HiddenDefaultCmd = true
	root.AddCommand(newBuildCmd(stdout, stderr))
	root.AddCommand(newCompressCmd(stdout, stderr))
	root.AddCommand(newPublishCmd(stdout, stderr))
	root.AddCommand(newDeployCmd(stdout, stderr))
	root.AddCommand(newRollbackCmd(stdout, stderr))
	root.AddCommand(newReleasesCmd(stdout, stderr))
	return root
}

// usageArgs makes an argument check's failure a usage error.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
