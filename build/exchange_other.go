//go:build !linux

package build

func exchange(a, b string) error { return exchangeByRenames(a, b) }
