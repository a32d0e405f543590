package io.panamap.chronicle;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;

import java.util.Objects;

/**
 * A sample Chronicle-marshalled value, written the way Chronicle users write them: explicit
 * {@code writeMarshallable}/{@code readMarshallable}, fields in a fixed order.
 *
 * <pre>
 *   0      8       16                     16+n    20+n
 *   +------+-------+----------------------+-------+
 *   |  id  | price | symbol (stop-bit     |  qty  |
 *   |  i64 |  f64  | length, UTF-8 bytes) |  i32  |
 *   +------+-------+----------------------+-------+
 * </pre>
 */
final class Order implements BytesMarshallable {

    /** Where the fields a fixed offset can find are, for reading a stored order through a BytesStore. */
    static final int ID_OFFSET = 0;
    static final int PRICE_OFFSET = 8;
    static final int SYMBOL_OFFSET = 16;

    long id;
    double price;
    String symbol;
    int quantity;

    Order() {
    }

    Order(final long id, final double price, final String symbol, final int quantity) {
        this.id = id;
        this.price = price;
        this.symbol = symbol;
        this.quantity = quantity;
    }

    @Override
    public void writeMarshallable(final BytesOut<?> bytes) {
        bytes.writeLong(id);
        bytes.writeDouble(price);
        bytes.writeUtf8(symbol);
        bytes.writeInt(quantity);
    }

    @Override
    public void readMarshallable(final BytesIn<?> bytes) {
        id = bytes.readLong();
        price = bytes.readDouble();
        symbol = bytes.readUtf8();
        quantity = bytes.readInt();
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof final Order other && id == other.id && Double.compare(price, other.price) == 0
                && Objects.equals(symbol, other.symbol) && quantity == other.quantity;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, price, symbol, quantity);
    }

    @Override
    public String toString() {
        return "Order[" + id + ", " + price + ", " + symbol + ", " + quantity + "]";
    }
}
