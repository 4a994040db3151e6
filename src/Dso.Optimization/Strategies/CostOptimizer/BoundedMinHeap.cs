namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// The <c>capacity</c> largest values offered, as a min-heap in a borrowed array: <see cref="Min"/> is then the
/// capacity-th largest, which is all the fit needs (the level that leaves exactly the allowed misses).
/// </summary>
internal struct BoundedMinHeap(double[] items, int capacity)
{
    public int Count { get; private set; }

    public readonly double Min => items[0];

    public void Offer(double value)
    {
        if (Count < capacity)
        {
            // Sift up.
            var i = Count++;
            while (i > 0 && items[(i - 1) / 2] > value)
            {
                items[i] = items[(i - 1) / 2];
                i = (i - 1) / 2;
            }

            items[i] = value;
            return;
        }

        if (capacity == 0 || value <= items[0])
        {
            return;
        }

        // Replace the smallest kept value and sift down.
        var at = 0;
        while (true)
        {
            var child = (2 * at) + 1;
            if (child >= capacity)
            {
                break;
            }

            if (child + 1 < capacity && items[child + 1] < items[child])
            {
                child++;
            }

            if (items[child] >= value)
            {
                break;
            }

            items[at] = items[child];
            at = child;
        }

        items[at] = value;
    }
}
