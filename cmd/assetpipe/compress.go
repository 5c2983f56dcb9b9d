package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/muejam/assetpipe/build/compress"
)

func newCompressCmd(stdout, stderr io.Writer) *cobra.Command {
	var flags configFlags
	cmd := &cobra.Command{
		Use:   "compress",
		Short: "Write brotli and gzip variants of the built files and record them in the manifest",
		Long: `compress writes name.br (brotli, quality 11) and name.gz (gzip, level 9)
beside every built file of a compressible type (compress.extensions) of at
least compress.min_size bytes, keeps a variant only when it is at most
compress.max_ratio of the original, and records the kept ones in
assetpipe.json. build runs it too unless compress: false or --no-compress.

Finished variants are kept in the cache directory by the SHA-256 of the
original, so content is compressed once: not again in the next build, on
another branch, or in a CI job that restores the cache.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := flags.load()
			if err != nil {
				return err
			}
			opts := compress.OptionsFrom(cfg)
			progress := newCompressProgress(stderr)
			opts.Progress = progress.update
			sum, err := compress.Output(cmd.Context(), cfg.Path(cfg.Out), opts)
			progress.finish()
			if err != nil {
				return err
			}
			printCompressed(stdout, sum)
			return nil
		},
	}
	flags.register(cmd)
	cmd.Flags().MarkHidden("src")
	cmd.Flags().MarkHidden("url-prefix")
	return cmd
}
