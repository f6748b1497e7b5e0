package dev.rcpat.local.rocketchat;

/**
 * Where a document is in its file: the line it starts on, counted from 1, and for a JSON array
 * its place in the array, also from 1 (mongoexport --jsonArray writes the whole array on one line).
 * {@code document} is 0 in a file of one document per line.
 */
public record Location(int line, int document) implements Comparable<Location> {

    @Override
    public String toString() {
        return document == 0 ? "line " + line : "line " + line + ", document " + document;
    }

    @Override
    public int compareTo(Location o) {
        return line != o.line ? Integer.compare(line, o.line) : Integer.compare(document, o.document);
    }
}
