package dev.rcpat.local;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

import java.util.Map;

/**
 * A QR code drawn with Unicode half blocks, two modules per character cell, light modules as
 * blocks (for the usual dark terminal background), with a quiet zone so phones can scan it.
 */
final class TerminalQr {

    private TerminalQr() { }

    static String render(String text) {
        BitMatrix m;
        try {
            m = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, Map.of(
                    EncodeHintType.MARGIN, 2,
                    EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.L));
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot draw a QR code for this text", e);
        }
        StringBuilder sb = new StringBuilder();
        for (int y = 0; y < m.getHeight(); y += 2) {
            for (int x = 0; x < m.getWidth(); x++) {
                boolean topLight = !m.get(x, y);
                boolean bottomLight = y + 1 < m.getHeight() && !m.get(x, y + 1);
                sb.append(topLight ? (bottomLight ? '█' : '▀') : (bottomLight ? '▄' : ' '));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
