package dev.rcpat.local.rocketchat;

import dev.rcpat.store.dynamodb.UserItem;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the last import brought to a user: the hashes of the tokens and backup codes that the
 * Rocket.Chat export held then. With it a later import tells a token created here (never
 * imported: kept) from one removed here since (imported, now gone: not brought back) and from
 * one removed in Rocket.Chat since (imported, still here, gone from the export: removed here too).
 * Kept on the user item as {@code rocketChatImport} (docs/data-model.md); the functions never read it.
 */
record ImportMemory(Long importedAt, Set<String> tokenHashes, List<String> backupCodeHashes) {

    static final String ATTRIBUTE = "rocketChatImport";
    static final String IMPORTED_AT = "importedAt";
    static final String TOKEN_HASHES = "tokenHashes";
    static final String BACKUP_CODE_HASHES = "backupCodeHashes";

    /** A user no import has written. */
    static final ImportMemory NONE = new ImportMemory(null, Set.of(), List.of());

    ImportMemory {
        tokenHashes = Set.copyOf(tokenHashes);
        backupCodeHashes = List.copyOf(backupCodeHashes);
    }

    static ImportMemory of(Map<String, AttributeValue> item) {
        AttributeValue v = item.get(ATTRIBUTE);
        if (v == null || !v.hasM()) {
            return NONE;
        }
        Map<String, AttributeValue> m = v.m();
        AttributeValue at = m.get(IMPORTED_AT);
        return new ImportMemory(at == null ? null : Long.valueOf(at.n()),
                new LinkedHashSet<>(UserItem.strings(m.get(TOKEN_HASHES))), UserItem.strings(m.get(BACKUP_CODE_HASHES)));
    }

    AttributeValue toItem() {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        m.put(IMPORTED_AT, AttributeValue.fromN(Long.toString(importedAt)));
        m.put(TOKEN_HASHES, AttributeValue.fromL(tokenHashes.stream().sorted().map(AttributeValue::fromS).toList()));
        m.put(BACKUP_CODE_HASHES, AttributeValue.fromL(backupCodeHashes.stream().map(AttributeValue::fromS).toList()));
        return AttributeValue.fromM(m);
    }

    /** The same hashes, whenever they were imported. */
    boolean sameHashes(ImportMemory other) {
        return tokenHashes.equals(other.tokenHashes) && backupCodeHashes.equals(other.backupCodeHashes);
    }
}
