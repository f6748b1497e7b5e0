package dev.rcpat.local.rocketchat;

import dev.rcpat.domain.EmailAddress;
import dev.rcpat.domain.User;
import dev.rcpat.store.dynamodb.UpdateExpression;
import dev.rcpat.store.dynamodb.UserItem;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link UserMerge.Plan} as one DynamoDB write: a conditional {@code PutItem} of the whole item
 * for a new user, else one conditional {@code UpdateItem} that sets the profile and applies each
 * token operation under its own condition. One write per user is what makes an import whole or
 * nothing per user without transactions.
 */
final class ImportWrites {

    /** DynamoDB's limit on the length of one expression. */
    static final int MAX_EXPRESSION_LENGTH = 4096;

    private ImportWrites() { }

    static PutItemRequest newUser(String table, UserMerge.Plan plan) {
        Map<String, AttributeValue> item = new HashMap<>(UserItem.fromUser(plan.result()));
        item.put(ImportMemory.ATTRIBUTE, plan.memory().toItem());
        return PutItemRequest.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#id)")
                .expressionAttributeNames(Map.of("#id", UserItem.ID))
                .build();
    }

    /**
     * The update of a user already here. Every token it adds must still be absent, every one it
     * replaces or removes must still hold the hash read, the backup codes and the count of
     * personal access tokens must be as read, and no other import may have run on the user since
     * it was read: otherwise nothing is written and the caller reads again.
     */
    static UpdateItemRequest update(String table, UserMerge.Plan plan) throws UserMerge.Unmergeable {
        UpdateExpression x = new UpdateExpression();
        User u = plan.result();
        String id = x.name(UserItem.ID);
        x.condition("attribute_exists(" + id + ")");
        String memory = x.name(ImportMemory.ATTRIBUTE);
        Long importedAt = plan.stored().memory().importedAt();
        x.condition(importedAt == null ? "attribute_not_exists(" + memory + ")"
                : memory + "." + x.name(ImportMemory.IMPORTED_AT) + " = " + x.value(number(importedAt)));
        x.set(memory, plan.memory().toItem());

        if (plan.profileChanged()) {
            x.set(x.name(UserItem.USERNAME), AttributeValue.fromS(u.username()));
            setOrRemove(x, x.name(UserItem.NAME), u.name() == null ? null : AttributeValue.fromS(u.name()));
            x.set(x.name(UserItem.ACTIVE), AttributeValue.fromBool(u.active()));
            x.set(x.name(UserItem.ROLES), AttributeValue.fromL(u.roles().stream().map(AttributeValue::fromS).toList()));
            x.set(x.name(UserItem.EMAILS), AttributeValue.fromL(u.emails().stream().map(ImportWrites::email).toList()));
            setOrRemove(x, x.name(UserItem.PASSWORD_BCRYPT),
                    u.passwordBcrypt() == null ? null : AttributeValue.fromS(u.passwordBcrypt()));
            x.set(x.name(UserItem.EMAIL_2FA),
                    AttributeValue.fromM(Map.of(UserItem.ENABLED, AttributeValue.fromBool(u.email2faEnabled()))));
        }

        switch (plan.totp()) {
            case UserMerge.NoTotpChange n -> { }
            case UserMerge.EnrolTotp e -> {
                String totp = x.name(UserItem.TOTP);
                x.set(totp, UserItem.toItem(e.totp()));
                x.condition(e.expectedSecret() == null ? "attribute_not_exists(" + totp + ")"
                        : totp + "." + x.name(UserItem.SECRET) + " = " + x.value(AttributeValue.fromS(e.expectedSecret())));
            }
            case UserMerge.RemoveTotp r -> x.remove(x.name(UserItem.TOTP));
            case UserMerge.MergeBackupCodes m -> {
                String totp = x.name(UserItem.TOTP);
                String backup = totp + "." + x.name(UserItem.HASHED_BACKUP);
                x.set(backup, AttributeValue.fromL(m.hashedBackup().stream().map(AttributeValue::fromS).toList()));
                x.condition(totp + "." + x.name(UserItem.SECRET) + " = " + x.value(AttributeValue.fromS(m.secret())));
                x.condition("size(" + backup + ") = " + x.value(number(m.expectedCount())));
            }
        }

        boolean addsPats = false;
        for (UserMerge.PatOp op : plan.patOps()) {
            String pats = x.name(UserItem.PERSONAL_ACCESS_TOKENS);
            switch (op) {
                case UserMerge.AddPat a -> {
                    String path = pats + "." + x.name(a.token().name());
                    x.set(path, UserItem.toItem(a.token()));
                    x.condition("attribute_not_exists(" + path + ")");
                    addsPats = true;
                }
                case UserMerge.ReplacePat r -> {
                    String path = pats + "." + x.name(r.token().name());
                    x.set(path, UserItem.toItem(r.token()));
                    x.condition(path + "." + x.name(UserItem.HASHED_TOKEN) + " = " + x.value(AttributeValue.fromS(r.expectedHash())));
                }
                case UserMerge.RemovePat r -> {
                    String path = pats + "." + x.name(r.name());
                    x.remove(path);
                    x.condition(path + "." + x.name(UserItem.HASHED_TOKEN) + " = " + x.value(AttributeValue.fromS(r.expectedHash())));
                }
            }
        }
        if (addsPats) {
            x.condition("size(" + x.name(UserItem.PERSONAL_ACCESS_TOKENS) + ") = "
                    + x.value(number(plan.stored().user().personalAccessTokens().size())));
        }

        for (UserMerge.LoginOp op : plan.loginOps()) {
            String login = x.name(UserItem.LOGIN_TOKENS);
            switch (op) {
                // Login token keys are hashes of random secrets: a concurrent login cannot add the same one.
                case UserMerge.AddLogin a -> x.set(login + "." + x.name(a.token().hashedToken()), UserItem.toItem(a.token()));
                case UserMerge.RemoveLogin r -> x.remove(login + "." + x.name(r.hashedToken()));
            }
        }
        return request(x, table, plan.result().id());
    }

    private static AttributeValue email(EmailAddress e) {
        return AttributeValue.fromM(Map.of(UserItem.ADDRESS, AttributeValue.fromS(e.address()),
                UserItem.VERIFIED, AttributeValue.fromBool(e.verified())));
    }

    private static AttributeValue number(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }

    private static void setOrRemove(UpdateExpression x, String path, AttributeValue v) {
        if (v == null) {
            x.remove(path);
        } else {
            x.set(path, v);
        }
    }

    private static UpdateItemRequest request(UpdateExpression x, String table, String userId) throws UserMerge.Unmergeable {
        String update = x.updateExpression();
        String condition = x.conditionExpression();
        if (update.length() > MAX_EXPRESSION_LENGTH || condition.length() > MAX_EXPRESSION_LENGTH) {
            throw new UserMerge.Unmergeable("has too many token changes since the last import for one write"
                    + " (DynamoDB allows expressions of " + MAX_EXPRESSION_LENGTH + " characters)");
        }
        return UpdateItemRequest.builder().tableName(table)
                .key(Map.of(UserItem.ID, AttributeValue.fromS(userId)))
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeNames(x.names())
                .expressionAttributeValues(x.values())
                .build();
    }
}
