package build

// Ref is one reference from a file to another, found by a scanner.
//
// [Start, End) is the byte range of the reference text exactly as it stands
// in the file — without quotes, without the url( ) wrapper, without the
// attribute name — so that replacing that range with a new text rewrites the
// reference and leaves every other byte of the file as it was.
type Ref struct {
	Start, End int
	// URL is the reference with the host language's own escaping decoded
	// (HTML character references such as &amp;); it is what gets resolved.
	// For CSS and JS it equals the raw text.
	URL string
}
